import { closeSync, openSync, readSync } from 'node:fs';
import type { CheckpointEvent, DoneEvent } from './events.ts';

/** One note this import landed, as the log knows it: what the id map and `verify` read. */
export interface LandedNote {
  /** `ticket:note`, the note's stable key. */
  readonly key: string;
  /** The conversation it is in now, merges followed as far as the log saw them. */
  readonly conversation: number;
  /** The thread id, where Help Scout said it (an ack, a reconcile or `verify` found it). */
  readonly thread?: number;
  /** The conversation it was written to, when that one was merged into `conversation` since. */
  readonly mergedFrom?: number;
  /** Its content hash as sent (core/content-hash.ts), where the log has it. */
  readonly content?: number;
  /** The step that landed it. */
  readonly step: string;
  readonly kind: DoneEvent['kind'];
}

/**
 * Every note the import ever landed, from every run and delta, in the order the log settled
 * them. Two streaming passes over the log: the
 * first keeps only merges and thread ids learned later (small), the second reads the `done`s.
 * Nothing per note is held, so a million-note log fits in the same memory as a small one.
 */
export function* landedNotes(path: string): Generator<LandedNote> {
  const moved = new Map<number, number>();
  const found = new Map<string, number>();
  for (const line of completeLines(path)) {
    if (line.startsWith('{"t":"moved"')) {
      const event = parse(line);
      if (event?.t === 'moved') moved.set(event.from, event.to);
    } else if (line.startsWith('{"t":"found"')) {
      const event = parse(line);
      if (event?.t !== 'found') continue;
      event.keys.forEach((key, i) => {
        const thread = event.threads[i];
        if (thread !== undefined) found.set(key, thread);
      });
    }
  }
  for (const line of completeLines(path)) {
    if (!line.startsWith('{"t":"done"')) continue;
    const event = parse(line);
    if (event?.t !== 'done' || event.keys.length === 0) continue;
    const conversation = finalConversation(moved, event.conversation);
    // A note written after following a merge was written to the conversation its lane named.
    const laneConversation = event.lane.startsWith('conversation:') && event.kind === 'add-note' ? Number(event.lane.slice('conversation:'.length)) : event.conversation;
    const from = laneConversation !== conversation ? laneConversation : undefined;
    for (const [i, key] of event.keys.entries()) {
      const thread = found.get(key) ?? event.threads?.[i];
      const content = event.h?.[i];
      yield {
        key,
        conversation,
        ...(thread === undefined ? {} : { thread }),
        ...(content === undefined ? {} : { content }),
        ...(from === undefined ? {} : { mergedFrom: from }),
        step: event.step,
        kind: event.kind,
      };
    }
  }
}

/** The log's lines that end in a newline (a torn last line is not an event), one block at a time. */
function* completeLines(path: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return; // no checkpoint yet: nothing landed
  }
  try {
    const block = Buffer.allocUnsafe(1 << 20);
    let rest = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, block, 0, block.length, null);
      if (read === 0) return;
      // Cut on bytes at the last newline, so a character split across two blocks stays whole.
      const end = block.lastIndexOf(0x0a, read - 1);
      if (end < 0) {
        rest = Buffer.concat([rest, block.subarray(0, read)]);
        continue;
      }
      const text = Buffer.concat([rest, block.subarray(0, end)]).toString('utf8');
      rest = Buffer.from(block.subarray(end + 1, read));
      yield* text.split('\n');
    }
  } finally {
    closeSync(fd);
  }
}

/** Where a conversation lives after every merge the log recorded (a cycle ends where it began). */
export function finalConversation(moved: ReadonlyMap<number, number>, id: number): number {
  let at = id;
  for (let hops = 0; hops < 32; hops++) {
    const next = moved.get(at);
    if (next === undefined || next === id) return at;
    at = next;
  }
  return at;
}

function parse(line: string): CheckpointEvent | undefined {
  try {
    return JSON.parse(line) as CheckpointEvent;
  } catch {
    // a damaged line: replay reports it
    return undefined;
  }
}
