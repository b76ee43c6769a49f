import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { FatalError } from '../core/errors.ts';
import type { CheckpointEvent, DoneEvent, HeaderEvent, IndexedEvent, IntentEvent } from './events.ts';

/** What earlier runs created for one lane, for the planner. */
export interface LaneRecord {
  partsCreated: number;
  lastPart?: number;
  /** Continuations created from an existing conversation, and whether the original links to them. */
  readonly continuations: Map<number, { linkFrom: number; linked: boolean }>;
}

export interface ReplayedState {
  readonly header?: HeaderEvent;
  readonly indexed?: IndexedEvent;
  /** Notes done per step kind: into existing conversations, or in ones the tool created. */
  readonly doneByKind: Record<'add-note' | 'create-conversation', number>;
  readonly doneKeys: Set<string>;
  readonly doneSteps: Set<string>;
  readonly rejected: Map<string, { reason: string; message: string }>;
  /** Intents with neither `done` nor `aborted`: they may or may not have landed. */
  readonly inDoubt: Map<string, IntentEvent>;
  readonly moved: Map<number, number>;
  readonly lanes: Map<string, LaneRecord>;
  readonly events: number;
  /** The last line was cut short by a crash mid-write: ignored. */
  readonly tornLine?: number;
}

/** Streams a log in chunks and hands each complete line to `onLine` with its number. */
export function forEachLine(path: string, onLine: (line: string, lineNumber: number, last: boolean) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let carry = '';
    let lineNumber = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const text = carry + buffer.toString('utf8', 0, read);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) onLine(line, ++lineNumber, false);
    }
    if (carry !== '') onLine(carry, ++lineNumber, true);
  } finally {
    closeSync(fd);
  }
}

/** Rebuilds the state of an import from its log; no network. */
export function replayCheckpoint(path: string): ReplayedState {
  const state = {
    doneKeys: new Set<string>(),
    doneSteps: new Set<string>(),
    rejected: new Map<string, { reason: string; message: string }>(),
    inDoubt: new Map<string, IntentEvent>(),
    moved: new Map<number, number>(),
    lanes: new Map<string, LaneRecord>(),
    doneByKind: { 'add-note': 0, 'create-conversation': 0 },
    events: 0,
  };
  let header: HeaderEvent | undefined;
  let indexed: IndexedEvent | undefined;
  let tornLine: number | undefined;
  if (!existsSync(path)) return state;
  forEachLine(path, (line, lineNumber, last) => {
    if (line.trim() === '') return;
    let event: CheckpointEvent;
    try {
      event = JSON.parse(line) as CheckpointEvent;
    } catch {
      // A crash mid-write can only cut the last line; anything else is damage we must not guess about.
      if (last) {
        tornLine = lineNumber;
        return;
      }
      throw new FatalError('checkpoint_corrupt', `checkpoint ${path} line ${lineNumber} is not valid JSON; the log is damaged (restore it, or move it away to start over)`);
    }
    state.events++;
    switch (event.t) {
      case 'header':
        header ??= event;
        break;
      case 'indexed':
        indexed = event;
        break;
      case 'intent':
        state.inDoubt.set(event.step, event);
        break;
      case 'done':
        state.inDoubt.delete(event.step);
        state.doneSteps.add(event.step);
        for (const key of event.keys) state.doneKeys.add(key);
        if (event.kind !== 'link-note') state.doneByKind[event.kind] += event.keys.length;
        recordLane(state.lanes, event);
        break;
      case 'aborted':
        state.inDoubt.delete(event.step);
        break;
      case 'rejected':
        state.rejected.set(event.key, { reason: event.reason, message: event.message });
        break;
      case 'moved':
        state.moved.set(event.from, event.to);
        break;
    }
  });
  return { ...state, ...(header ? { header } : {}), ...(indexed ? { indexed } : {}), ...(tornLine === undefined ? {} : { tornLine }) };
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
