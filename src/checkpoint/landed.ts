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
  /**
   * The existing conversation whose history it is, when it landed in one the import created for
   * it: a side conversation (DESIGN §11) or a continuation past the thread limit.
   */
  readonly via?: number;
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
export function* landedNotes(path: string, options: { readonly merges?: boolean } = {}): Generator<LandedNote> {
  const moved = new Map<number, number>();
  const found = new Map<string, number>();
  // Without merges and found thread ids (a delta comparing contents), the first pass is skipped.
  for (const line of options.merges === false ? [] : linesStartingWith(path, [MOVED, FOUND])) {
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
  for (const line of linesStartingWith(path, [DONE])) {
    const event = parse(line);
    if (event?.t !== 'done' || event.keys.length === 0) continue;
    const conversation = finalConversation(moved, event.conversation);
    // A note written after following a merge was written to the conversation its lane named.
    const laneConversation = event.lane.startsWith('conversation:') && event.kind === 'add-note' ? Number(event.lane.slice('conversation:'.length)) : event.conversation;
    const from = laneConversation !== conversation ? laneConversation : undefined;
    const via = event.kind === 'create-conversation' && event.lane.startsWith('conversation:') ? finalConversation(moved, Number(event.lane.slice('conversation:'.length))) : undefined;
    for (const [i, key] of event.keys.entries()) {
      const thread = found.get(key) ?? event.threads?.[i];
      const content = event.h?.[i];
      yield {
        key,
        conversation,
        ...(thread === undefined ? {} : { thread }),
        ...(content === undefined ? {} : { content }),
        ...(from === undefined ? {} : { mergedFrom: from }),
        ...(via === undefined ? {} : { via }),
        step: event.step,
        kind: event.kind,
      };
    }
  }
}

const MOVED = Buffer.from('{"t":"moved"');
const FOUND = Buffer.from('{"t":"found"');
const DONE = Buffer.from('{"t":"done"');

/**
 * The log's complete lines (a torn last line is not an event) that start with one of `prefixes`,
 * one block at a time. Lines are told apart on bytes and only the wanted ones are decoded: most
 * of a big log is intents, which nothing here reads.
 */
function* linesStartingWith(path: string, prefixes: readonly Buffer[]): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return; // no checkpoint yet: nothing landed
  }
  try {
    let block = Buffer.allocUnsafe(1 << 20);
    let filled = 0;
    for (;;) {
      if (filled === block.length) block = Buffer.concat([block, Buffer.alloc(block.length)]);
      const read = readSync(fd, block, filled, block.length - filled, null);
      if (read === 0) return;
      const end = filled + read;
      let start = 0;
      for (let nl = block.indexOf(0x0a, filled); nl >= 0 && nl < end; nl = block.indexOf(0x0a, start)) {
        if (prefixes.some((prefix) => startsWith(block, start, nl, prefix))) yield block.toString('utf8', start, nl);
        start = nl + 1;
      }
      block.copy(block, 0, start, end);
      filled = end - start;
    }
  } finally {
    closeSync(fd);
  }
}

function startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return end - start >= prefix.length && buffer.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
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
