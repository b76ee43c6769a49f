import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { FatalError } from '../core/errors.ts';
import { EVENT_TYPES, type CheckpointEvent, type DoneEvent, type HeaderEvent, type IndexedEvent, type IntentEvent, type TargetKind } from './events.ts';

/** What earlier runs created for one lane, for the planner. */
export interface LaneRecord {
  partsCreated: number;
  lastPart?: number;
  /** Continuations created from an existing conversation, and whether the original links to them. */
  readonly continuations: Map<number, { linkFrom: number; linked: boolean }>;
}

export type ByTarget = Record<TargetKind, number>;

export interface ReplayedState {
  /** The first header: the import's id. */
  readonly header?: HeaderEvent;
  /** The last header (a --force resume writes one): the fingerprints a resume is checked against. */
  readonly currentHeader?: HeaderEvent;
  readonly indexed?: IndexedEvent;
  /** Notes done per step kind: into existing conversations, or in ones the tool created. */
  readonly doneByKind: Record<'add-note' | 'create-conversation', number>;
  /** Notes done and rejected per target kind (what the export asked for). */
  readonly doneByTarget: ByTarget;
  readonly rejectedByTarget: ByTarget & { unknown: number };
  readonly doneKeys: Set<string>;
  readonly rejected: Map<string, { reason: string; message: string }>;
  /** Intents with neither `done` nor `aborted`: they may or may not have landed. */
  readonly inDoubt: Map<string, IntentEvent>;
  readonly moved: Map<number, number>;
  readonly lanes: Map<string, LaneRecord>;
  readonly events: number;
  /** The last line was cut short by a crash mid-write: ignored. */
  readonly tornLine?: number;
}

/** Lane ids are `conversation:<id>` or `ticket:<source id>` (see plan/build-plan.ts). */
export function laneTarget(lane: string): TargetKind {
  return lane.startsWith('ticket:') ? 'new' : 'existing';
}

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** One line of a file as bytes: `buffer[start, end)`, at byte `offset` of the file. */
type LineVisitor = (buffer: Buffer, start: number, end: number, lineNumber: number, offset: number, last: boolean) => void;

/**
 * Streams a file in blocks and hands each line over as bytes; `last` is true for a final line
 * without its newline. Lines are cut on bytes, so a character split across two blocks is never
 * mangled, and nothing is decoded that the visitor does not ask for.
 */
function forEachLineBytes(path: string, visit: LineVisitor): void {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.alloc(1 << 20);
    let filled = 0;
    let bufferOffset = 0;
    let lineNumber = 0;
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)]);
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (read === 0) break;
      const end = filled + read;
      let start = 0;
      for (let nl = buffer.indexOf(NEWLINE, filled); nl >= 0 && nl < end; nl = buffer.indexOf(NEWLINE, start)) {
        visit(buffer, start, nl, ++lineNumber, bufferOffset + start, false);
        start = nl + 1;
      }
      buffer.copy(buffer, 0, start, end);
      bufferOffset += start;
      filled = end - start;
    }
    if (filled > 0) visit(buffer, 0, filled, ++lineNumber, bufferOffset, true);
  } finally {
    closeSync(fd);
  }
}

/** Each line as text, with its number; `last` is true for a final line without its newline. */
export function forEachLine(path: string, onLine: (line: string, lineNumber: number, last: boolean) => void): void {
  forEachLineBytes(path, (buffer, start, end, lineNumber, _offset, last) => {
    onLine(buffer.toString('utf8', start, end), lineNumber, last);
  });
}

/** Thread ids the log says are ours, for the conversations being reconciled only. */
export function threadsLoggedIn(path: string, conversations: ReadonlySet<number>): Map<number, Set<number>> {
  const known = new Map<number, Set<number>>();
  if (conversations.size === 0) return known;
  forEachLine(path, (line) => {
    if (!line.startsWith('{"t":"done"')) return;
    // Parse only the done events of the conversations asked about: a big log has millions.
    const conversation = /"conversation":(\d+)/.exec(line)?.[1];
    if (conversation === undefined || !conversations.has(Number(conversation))) return;
    try {
      const event = JSON.parse(line) as { conversation: number; threads?: number[] };
      if (!conversations.has(event.conversation) || !event.threads) return;
      let set = known.get(event.conversation);
      if (!set) known.set(event.conversation, (set = new Set()));
      for (const thread of event.threads) set.add(thread);
    } catch {
      // a torn last line: replay already reported it
    }
  });
  return known;
}

function corrupt(path: string, lineNumber: number, what: string): FatalError {
  return new FatalError(
    'checkpoint_corrupt',
    `checkpoint ${path} line ${lineNumber} ${what}; the log is damaged (restore it from a backup, or move it away to start the import over)`,
  );
}

function parseEvent(path: string, line: string, lineNumber: number): CheckpointEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw corrupt(path, lineNumber, 'is not valid JSON');
  }
  const t = event !== null && typeof event === 'object' ? (event as { t?: unknown }).t : undefined;
  if (!EVENT_TYPES.some((known) => known === t)) throw corrupt(path, lineNumber, `is not a checkpoint event (${line.slice(0, 60)})`);
  return event as CheckpointEvent;
}

/**
 * Reads the fields of a line JSON.stringify wrote, in the order delivery writes them, straight
 * from the bytes: no decoding of the whole line, no JSON.parse (most of replay's time otherwise).
 * Any surprise (another order, an escape) returns undefined and the caller parses the line.
 */
class LineCursor {
  constructor(
    private readonly buffer: Buffer,
    private pos: number,
    private readonly end: number,
  ) {}

  /** Steps over `literal` if the line continues with it. */
  literal(literal: Buffer): boolean {
    if (this.pos + literal.length > this.end) return false;
    for (let i = 0; i < literal.length; i++) if (this.buffer[this.pos + i] !== literal[i]) return false;
    this.pos += literal.length;
    return true;
  }

  /** The rest of a string whose opening quote was read, up to its closing quote. */
  string(): string | undefined {
    const { buffer, end } = this;
    const from = this.pos;
    let high = 0;
    for (let i = from; i < end; i++) {
      const byte = buffer[i] ?? 0;
      if (byte === QUOTE) {
        this.pos = i + 1;
        return buffer.toString(high & 0x80 ? 'utf8' : 'latin1', from, i);
      }
      if (byte === BACKSLASH) return undefined;
      high |= byte;
    }
    return undefined;
  }

  /** `"a","b"]` after the opening bracket. */
  strings(): string[] | undefined {
    const list: string[] = [];
    if (this.literal(CLOSE_LIST)) return list;
    for (;;) {
      if (!this.literal(QUOTE_MARK)) return undefined;
      const value = this.string();
      if (value === undefined) return undefined;
      list.push(value);
      if (this.literal(CLOSE_LIST)) return list;
      if (!this.literal(COMMA)) return undefined;
    }
  }
}

const bytes = (text: string): Buffer => Buffer.from(text);
const INTENT_STEP = bytes('{"t":"intent","step":"');
const DONE_STEP = bytes('{"t":"done","step":"');
const ADD_NOTE_LANE = bytes(',"kind":"add-note","lane":"');
const KEYS = bytes(',"keys":[');
const CLOSE_LIST = bytes(']');
const QUOTE_MARK = bytes('"');
const COMMA = bytes(',');

/**
 * Rebuilds the state of an import from its log; no network. Intents and add-note `done`s, most
 * of a big log, are read field by field from the bytes (JSON.parse would be most of the time);
 * intents still without `done` at the end are read again from the file and parsed in full.
 */
export function replayCheckpoint(path: string): ReplayedState {
  const state = {
    doneKeys: new Set<string>(),
    rejected: new Map<string, { reason: string; message: string }>(),
    inDoubt: new Map<string, IntentEvent>(),
    moved: new Map<number, number>(),
    lanes: new Map<string, LaneRecord>(),
    doneByKind: { 'add-note': 0, 'create-conversation': 0 },
    doneByTarget: { existing: 0, new: 0 },
    rejectedByTarget: { existing: 0, new: 0, unknown: 0 },
    events: 0,
  };
  const pending = new Map<string, { offset: number; length: number; lineNumber: number }>();
  let header: HeaderEvent | undefined;
  let currentHeader: HeaderEvent | undefined;
  let indexed: IndexedEvent | undefined;
  let tornLine: number | undefined;
  if (!existsSync(path)) return state;
  if (!statSync(path).isFile()) throw new FatalError('checkpoint_unreadable', `the checkpoint ${path} is not a file; point "checkpoint" in the config at a file path`);

  const settle = (step: string, lane: string, kind: DoneEvent['kind'], keys: readonly string[]): void => {
    pending.delete(step);
    for (const key of keys) {
      if (state.doneKeys.has(key)) continue;
      state.doneKeys.add(key);
      if (kind !== 'link-note') state.doneByKind[kind]++;
      state.doneByTarget[laneTarget(lane)]++;
    }
  };

  forEachLineBytes(path, (buffer, start, end, lineNumber, offset, last) => {
    // Every event ends with a newline in the same write: a last line without one was cut by a
    // crash (the writer cuts it off before appending). Anything else is damage we must not guess about.
    if (last) {
      tornLine = lineNumber;
      return;
    }
    if (start === end) return;
    if (buffer[end - 1] === 0x7d) {
      const cursor = new LineCursor(buffer, start, end);
      if (cursor.literal(INTENT_STEP)) {
        const step = cursor.string();
        if (step !== undefined) {
          state.events++;
          pending.set(step, { offset, length: end - start, lineNumber });
          return;
        }
      } else if (cursor.literal(DONE_STEP)) {
        const step = cursor.string();
        const lane = step !== undefined && cursor.literal(ADD_NOTE_LANE) ? cursor.string() : undefined;
        const keys = lane !== undefined && cursor.literal(KEYS) ? cursor.strings() : undefined;
        if (step !== undefined && lane !== undefined && keys !== undefined) {
          state.events++;
          settle(step, lane, 'add-note', keys);
          return;
        }
      }
    }
    const event = parseEvent(path, buffer.toString('utf8', start, end), lineNumber);
    state.events++;
    switch (event.t) {
      case 'header':
        if (header !== undefined && event.importId !== header.importId) throw corrupt(path, lineNumber, `starts another import (${event.importId}, not ${header.importId})`);
        header ??= event;
        currentHeader = event;
        break;
      case 'indexed':
        indexed = event;
        break;
      case 'intent':
        pending.set(event.step, { offset, length: end - start, lineNumber });
        break;
      case 'done':
        settle(event.step, event.lane, event.kind, event.keys);
        recordLane(state.lanes, event);
        break;
      case 'aborted':
        pending.delete(event.step);
        break;
      case 'rejected':
        if (!state.rejected.has(event.key)) state.rejectedByTarget[event.target ?? 'unknown']++;
        state.rejected.set(event.key, { reason: event.reason, message: event.message });
        break;
      case 'moved':
        state.moved.set(event.from, event.to);
        break;
    }
  });
  if (pending.size > 0) {
    const fd = openSync(path, 'r');
    try {
      for (const [step, at] of pending) {
        const bytes = Buffer.alloc(at.length);
        readSync(fd, bytes, 0, at.length, at.offset);
        state.inDoubt.set(step, parseEvent(path, bytes.toString('utf8'), at.lineNumber) as IntentEvent);
      }
    } finally {
      closeSync(fd);
    }
  }
  return {
    ...state,
    ...(header ? { header } : {}),
    ...(currentHeader ? { currentHeader } : {}),
    ...(indexed ? { indexed } : {}),
    ...(tornLine === undefined ? {} : { tornLine }),
  };
}

function recordLane(lanes: Map<string, LaneRecord>, event: DoneEvent): void {
  if (event.kind === 'add-note') return;
  let lane = lanes.get(event.lane);
  if (!lane) {
    lane = { partsCreated: 0, continuations: new Map() };
    lanes.set(event.lane, lane);
  }
  if (event.kind === 'create-conversation') {
    lane.partsCreated++;
    lane.lastPart = event.conversation;
    if (event.linkFrom !== undefined) lane.continuations.set(event.conversation, { linkFrom: event.linkFrom, linked: false });
  } else {
    const continuation = event.continuation === undefined ? undefined : lane.continuations.get(event.continuation);
    if (continuation) continuation.linked = true;
  }
}
