import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { FatalError } from '../core/errors.ts';
import { EVENT_TYPES, type CheckpointEvent, type DoneEvent, type HeaderEvent, type IndexedEvent, type IntentEvent, type StepKind, type TargetKind } from './events.ts';
import { KeySet, type KeyLookup } from '../core/key-set.ts';
import { KeyTally } from './key-tally.ts';
import { LineCursor, Ranges } from './line-cursor.ts';

/** What earlier runs created for one lane, for the planner. */
export interface LaneRecord {
  partsCreated: number;
  lastPart?: number;
  /** Continuations created from an existing conversation, and whether the original links to them. */
  readonly continuations: Map<number, { linkFrom: number; linked: boolean }>;
  /** Its parts are side conversations (DESIGN §11): one side note links them all. */
  side?: boolean;
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
  readonly doneKeys: KeyLookup;
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
const CLOSE_OBJECT = 0x7d;

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

const STEP_KINDS = ['add-note', 'create-conversation', 'link-note'] as const satisfies readonly StepKind[];
const TARGET_KINDS = ['existing', 'new'] as const satisfies readonly TargetKind[];

/** The tag of a done key in the tally: its step kind and target kind. */
function doneTag(kind: StepKind, target: TargetKind): number {
  return STEP_KINDS.indexOf(kind) * TARGET_KINDS.length + TARGET_KINDS.indexOf(target);
}

const bytes = (text: string): Buffer => Buffer.from(text);
const INTENT_STEP = bytes('{"t":"intent","step":"');
const DONE_STEP = bytes('{"t":"done","step":"');
const KIND = bytes(',"kind":"');
const KINDS = STEP_KINDS.map((kind) => [kind, bytes(`${kind}","lane":"`)] as const);
const TICKET_LANE = bytes('ticket:');
const KEYS = bytes(',"keys":[');
/** The fields after a `done`'s keys that build a lane's history, at these indexes of what the cursor reads. */
const LANE_FIELDS = ['"conversation":', '"linkFrom":', '"continuation":', '"sideOf":'].map(bytes);

/** The step kind the cursor is at, with the start of the lane after it, stepped over. */
function readKind(cursor: LineCursor): StepKind | undefined {
  for (const [kind, literal] of KINDS) if (cursor.literal(literal)) return kind;
  return undefined;
}

/** What a `done` tells about its lane's history. */
type LaneFields = Pick<DoneEvent, 'kind' | 'lane' | 'conversation' | 'linkFrom' | 'continuation' | 'sideOf'>;

/** The step table is compacted no smaller than this. */
const MIN_STEPS = 1 << 10;

/** A step id as bytes of a line. */
interface StepBytes {
  buffer: Uint8Array;
  start: number;
  end: number;
}

/** Where an intent is in the file. */
interface IntentLine {
  readonly offset: number;
  readonly length: number;
  readonly lineNumber: number;
}

/**
 * Intents not settled yet, by step: where the last intent of each is. Steps are held as bytes
 * (a KeySet), so the million intents and dones of a big log make no strings.
 */
class PendingIntents {
  private steps = new KeySet();
  /** Per step id: the open intent's byte offset (-1 when none), byte length and line number. */
  private offsets = new Float64Array(MIN_STEPS).fill(-1);
  private lengths = new Int32Array(MIN_STEPS);
  private lines = new Int32Array(MIN_STEPS);
  /** Settled steps are dropped when the table reaches this size, so it stays small (and in cache). */
  private compactAt = MIN_STEPS;

  /** An intent for `step` at byte `offset` of the file, `length` bytes long. */
  intend(step: string | StepBytes, offset: number, length: number, lineNumber: number): void {
    if (this.steps.size >= this.compactAt) this.compact();
    const id = typeof step === 'string' ? this.steps.add(step) : this.steps.addBytes(step.buffer, step.start, step.end);
    if (id >= this.offsets.length) this.grow();
    this.offsets[id] = offset;
    this.lengths[id] = length;
    this.lines[id] = lineNumber;
  }

  settle(id: number): void {
    if (id >= 0) this.offsets[id] = -1;
  }

  settleStep(step: string): void {
    this.settle(this.steps.idOf(step));
  }

  settleBytes(buffer: Uint8Array, start: number, end: number): void {
    this.settle(this.steps.idOfBytes(buffer, start, end));
  }

  /** The steps still open, in the order of their intents in the file. */
  open(): (IntentLine & { step: string })[] {
    const open: (IntentLine & { step: string })[] = [];
    for (let id = 0; id < this.steps.size; id++) {
      const offset = this.offsets[id] ?? -1;
      if (offset >= 0) open.push({ step: this.steps.key(id), offset, length: this.lengths[id] ?? 0, lineNumber: this.lines[id] ?? 0 });
    }
    return open.sort((a, b) => a.offset - b.offset);
  }

  /** Keeps the open steps only: a settled step has nothing left to match. */
  private compact(): void {
    const open = this.open();
    this.compactAt = Math.max(MIN_STEPS, 4 * open.length);
    this.steps = new KeySet(open.length);
    this.offsets.fill(-1);
    for (const intent of open) this.intend(intent.step, intent.offset, intent.length, intent.lineNumber);
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const offsets = new Float64Array(size).fill(-1);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Int32Array(size);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const lines = new Int32Array(size);
    lines.set(this.lines);
    this.lines = lines;
  }
}

/**
 * Rebuilds the state of an import from its log; no network. Intents and `done`s, nearly all of
 * a big log, are read field by field from the bytes (JSON.parse and a string per key would be
 * most of the time); intents still open at the end are read again from the file and parsed.
 * Any line the cursor does not fully understand is parsed with JSON.parse: same result.
 */
export function replayCheckpoint(path: string): ReplayedState {
  const doneKeys = new KeyTally();
  const state = {
    doneKeys,
    rejected: new Map<string, { reason: string; message: string }>(),
    inDoubt: new Map<string, IntentEvent>(),
    moved: new Map<number, number>(),
    lanes: new Map<string, LaneRecord>(),
    doneByKind: { 'add-note': 0, 'create-conversation': 0 },
    doneByTarget: { existing: 0, new: 0 },
    rejectedByTarget: { existing: 0, new: 0, unknown: 0 },
    events: 0,
  };
  const pending = new PendingIntents();
  let header: HeaderEvent | undefined;
  let currentHeader: HeaderEvent | undefined;
  let indexed: IndexedEvent | undefined;
  let tornLine: number | undefined;
  if (!existsSync(path)) return state;
  if (!statSync(path).isFile()) throw new FatalError('checkpoint_unreadable', `the checkpoint ${path} is not a file; point "checkpoint" in the config at a file path`);

  const cursor = new LineCursor();
  const keys = new Ranges();
  const fields = new Float64Array(LANE_FIELDS.length);
  const step: StepBytes = { buffer: new Uint8Array(0), start: 0, end: 0 };

  /** An intent or a `done` as the writer lays them out, read without parsing; false: parse it. */
  const readFast = (buffer: Buffer, start: number, end: number, lineNumber: number, offset: number): boolean => {
    cursor.reset(buffer, start, end);
    if (cursor.literal(INTENT_STEP)) {
      const stepStart = cursor.at;
      const stepEnd = cursor.skipString();
      if (stepEnd < 0) return false;
      step.buffer = buffer;
      step.start = stepStart;
      step.end = stepEnd;
      pending.intend(step, offset, end - start, lineNumber);
      return true;
    }
    if (!cursor.literal(DONE_STEP)) return false;
    const stepStart = cursor.at;
    const stepEnd = cursor.skipString();
    if (stepEnd < 0 || !cursor.literal(KIND)) return false;
    const kind = readKind(cursor);
    const laneStart = cursor.at;
    const target: TargetKind = cursor.startsWith(TICKET_LANE) ? 'new' : 'existing';
    const laneEnd = kind === undefined ? -1 : cursor.skipString();
    const count = laneEnd >= 0 && cursor.literal(KEYS) ? cursor.stringRanges(keys) : -1;
    if (kind === undefined || count < 0) return false;
    // Past the keys, an add-note `done` holds nothing replay needs: it is not read further.
    if (kind !== 'add-note' && !cursor.restOfObject(LANE_FIELDS, fields)) return false;
    const conversation = fields[0] ?? Number.NaN;
    const linkFrom = fields[1] ?? Number.NaN;
    const continuation = fields[2] ?? Number.NaN;
    const sideOf = fields[3] ?? Number.NaN;
    if (kind !== 'add-note' && Number.isNaN(conversation)) return false;
    pending.settleBytes(buffer, stepStart, stepEnd);
    const tag = doneTag(kind, target);
    for (let i = 0; i < count; i++) doneKeys.addBytes(buffer, keys.start(i), keys.end(i), tag);
    if (kind !== 'add-note') {
      const lane = buffer.toString('utf8', laneStart, laneEnd);
      recordLane(state.lanes, {
        kind,
        lane,
        conversation,
        ...(Number.isNaN(linkFrom) ? {} : { linkFrom }),
        ...(Number.isNaN(continuation) ? {} : { continuation }),
        ...(Number.isNaN(sideOf) ? {} : { sideOf }),
      });
    }
    return true;
  };

  forEachLineBytes(path, (buffer, start, end, lineNumber, offset, last) => {
    // Every event ends with a newline in the same write: a last line without one was cut by a
    // crash (the writer cuts it off before appending). Anything else is damage we must not guess about.
    if (last) {
      tornLine = lineNumber;
      return;
    }
    if (start === end) return;
    state.events++;
    if (buffer[end - 1] === CLOSE_OBJECT && readFast(buffer, start, end, lineNumber, offset)) return;
    const event = parseEvent(path, buffer.toString('utf8', start, end), lineNumber);
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
        pending.intend(event.step, offset, end - start, lineNumber);
        break;
      case 'done':
        pending.settleStep(event.step);
        for (const key of event.keys) doneKeys.add(key, doneTag(event.kind, laneTarget(event.lane)));
        recordLane(state.lanes, event);
        break;
      case 'aborted':
        pending.settleStep(event.step);
        break;
      case 'rejected':
        if (!state.rejected.has(event.key)) state.rejectedByTarget[event.target ?? 'unknown']++;
        state.rejected.set(event.key, { reason: event.reason, message: event.message });
        break;
      case 'moved':
        state.moved.set(event.from, event.to);
        break;
      case 'found':
        // thread ids for the id map (checkpoint/landed.ts): nothing a run needs
        break;
    }
  });
  // A note counts once, by the first `done` that names it.
  for (const kind of STEP_KINDS) {
    for (const target of TARGET_KINDS) {
      const notes = doneKeys.count(doneTag(kind, target));
      if (kind !== 'link-note') state.doneByKind[kind] += notes;
      state.doneByTarget[target] += notes;
    }
  }
  const open = pending.open();
  if (open.length > 0) {
    const fd = openSync(path, 'r');
    try {
      for (const at of open) {
        const line = Buffer.alloc(at.length);
        readSync(fd, line, 0, at.length, at.offset);
        state.inDoubt.set(at.step, parseEvent(path, line.toString('utf8'), at.lineNumber) as IntentEvent);
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

function recordLane(lanes: Map<string, LaneRecord>, event: LaneFields): void {
  if (event.kind === 'add-note') return;
  let lane = lanes.get(event.lane);
  if (!lane) {
    lane = { partsCreated: 0, continuations: new Map() };
    lanes.set(event.lane, lane);
  }
  if (event.kind === 'create-conversation') {
    lane.partsCreated++;
    lane.lastPart = event.conversation;
    if (event.sideOf !== undefined) lane.side = true;
    if (event.linkFrom !== undefined) lane.continuations.set(event.conversation, { linkFrom: event.linkFrom, linked: false });
  } else {
    const continuation = event.continuation === undefined ? undefined : lane.continuations.get(event.continuation);
    if (continuation) continuation.linked = true;
    // One side note links every side conversation the lane had.
    if (continuation && lane.side === true) for (const part of lane.continuations.values()) part.linked = true;
  }
}
