import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointEvent, DoneEvent, IntentEvent } from '../../src/checkpoint/events.ts';
import { LineCursor, Ranges } from '../../src/checkpoint/line-cursor.ts';
import { LogWriter } from '../../src/checkpoint/log-writer.ts';
import { replayCheckpoint, type ReplayedState } from '../../src/checkpoint/replay.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-import-replay-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ODD_KEYS = ['T"1:\\x', 'Zoë:ünïcode', 'emoji:😀', 'lone:\uD800', 'lone:\uDBFF', 'plain:9'];

/** Every kind of event, with repeats, a retry after an abort, odd keys, and intents left open. */
function history(): CheckpointEvent[] {
  const events: CheckpointEvent[] = [
    { t: 'header', v: 1, importId: 'abcd1234', config: 'c', input: 'i', at: '2024-01-01T00:00:00Z' },
    { t: 'indexed', rows: 40, notes: 30, inputRejects: 1, byTarget: { existing: 20, new: 10 }, at: 1 },
  ];
  const addNote = (key: string, conversation: number, settle: 'done' | 'aborted' | 'open', threads = true): void => {
    const step = `note:${key}`;
    const lane = `conversation:${conversation}`;
    events.push({ t: 'intent', step, kind: 'add-note', lane, keys: [key], conversation, createdAt: '2020-01-01T00:00:00Z', fp: 'fp', at: 2 });
    if (settle === 'done') events.push({ t: 'done', step, kind: 'add-note', lane, keys: [key], conversation, ...(threads ? { threads: [conversation * 10] } : {}), via: 'ack', at: 3 });
    if (settle === 'aborted') events.push({ t: 'aborted', step, reason: 'api_rejected', at: 3 });
  };
  for (const key of ODD_KEYS) addNote(key, 7, 'done');
  addNote('A:1', 8, 'done', false);
  addNote('A:2', 8, 'aborted');
  addNote('A:3', 8, 'open');
  // Sent again after the abort, and this time it stays in doubt: it is open, after A:3.
  addNote('A:2', 8, 'open');
  const create: IntentEvent = { t: 'intent', step: 'create:ticket:T9:T9:1', kind: 'create-conversation', lane: 'ticket:T9', keys: ['T9:1', 'T9:2', 'T9:"3'], tag: 'hsi-x', mailboxId: 1, part: 1, linkFrom: 8, at: 4 };
  events.push(create, { t: 'done', step: create.step, kind: 'create-conversation', lane: create.lane, keys: create.keys, conversation: 900, threads: [1, 2, 3], part: 1, linkFrom: 8, via: 'ack', at: 5 });
  const link: IntentEvent = { t: 'intent', step: 'link:8:900', kind: 'link-note', lane: 'ticket:T9', keys: [], conversation: 8, createdAt: '2024-01-01T00:00:00Z', fp: 'fp', continuation: 900, at: 6 };
  events.push(link, { t: 'done', step: link.step, kind: 'link-note', lane: link.lane, keys: [], conversation: 8, continuation: 900, via: 'ack', at: 7 });
  // A key done a second time under another step counts once, by its first done.
  events.push({ t: 'done', step: 'create:ticket:T10:T10:1', kind: 'create-conversation', lane: 'ticket:T10', keys: ['A:1', 'T10:1'], conversation: 901, part: 1, via: 'reconciled', at: 8 });
  events.push({ t: 'rejected', key: 'R:1', reason: 'customer_email_missing', message: 'no email', target: 'new', at: 9 });
  events.push({ t: 'moved', from: 8, to: 80, at: 10 });
  events.push({ t: 'intent', step: 'create:ticket:T11:T11:1', kind: 'create-conversation', lane: 'ticket:T11', keys: ['T11:1'], tag: 'hsi-y', mailboxId: 1, part: 1, at: 11 });
  return events;
}

/** The same event with its fields in reverse order: what the cursor does not read, so JSON.parse does. */
function reordered(event: CheckpointEvent): object {
  return Object.fromEntries(Object.entries(event).reverse());
}

function writeWithLogWriter(path: string, events: readonly CheckpointEvent[]): void {
  const log = new LogWriter(path, { sync: false });
  for (const event of events) log.append(event);
  log.close();
}

/** Everything replay tells, in plain values. */
function snapshot(state: ReplayedState, keys: readonly string[]): unknown {
  return {
    events: state.events,
    done: state.doneKeys.size,
    doneKeys: keys.filter((key) => state.doneKeys.has(key)),
    doneByKind: state.doneByKind,
    doneByTarget: state.doneByTarget,
    rejectedByTarget: state.rejectedByTarget,
    rejected: [...state.rejected],
    inDoubt: [...state.inDoubt],
    moved: [...state.moved],
    lanes: [...state.lanes].map(([id, lane]) => [id, { ...lane, continuations: [...lane.continuations] }]),
    header: state.header,
    indexed: state.indexed,
  };
}

const ALL_KEYS = [...ODD_KEYS, 'A:1', 'A:2', 'A:3', 'T9:1', 'T9:2', 'T9:"3', 'T10:1', 'T11:1', 'R:1', 'lone:\uFFFD', 'missing'];

describe('replay reads the lines the writer writes without parsing them, to the same state', () => {
  it('gives the same state for a log as written and for the same events in another key order (an older writer)', () => {
    const written = join(dir, 'written.jsonl');
    const older = join(dir, 'older.jsonl');
    writeWithLogWriter(written, history());
    writeFileSync(older, history().map((event) => JSON.stringify(reordered(event)) + '\n').join(''));

    const fast = snapshot(replayCheckpoint(written), ALL_KEYS);
    expect(fast).toEqual(snapshot(replayCheckpoint(older), ALL_KEYS));
    // And what that state is, so both agreeing on something wrong fails too.
    expect(fast).toMatchObject({
      events: history().length,
      done: ODD_KEYS.length + 5,
      doneKeys: [...ODD_KEYS, 'A:1', 'T9:1', 'T9:2', 'T9:"3', 'T10:1'],
      doneByKind: { 'add-note': ODD_KEYS.length + 1, 'create-conversation': 4 },
      doneByTarget: { existing: ODD_KEYS.length + 1, new: 4 },
      lanes: [
        ['ticket:T9', { partsCreated: 1, lastPart: 900, continuations: [[900, { linkFrom: 8, linked: true }]] }],
        ['ticket:T10', { partsCreated: 1, lastPart: 901, continuations: [] }],
      ],
      moved: [[8, 80]],
    });
    expect(replayCheckpoint(written).inDoubt.size).toBe(3);
    expect([...replayCheckpoint(written).inDoubt.keys()]).toEqual(['note:A:3', 'note:A:2', 'create:ticket:T11:T11:1']);
  });

  it('parses a done whose numbers the cursor does not read (an exponent) and records the same lane', () => {
    const path = join(dir, 'checkpoint.jsonl');
    writeWithLogWriter(path, [{ t: 'intent', step: 's', kind: 'create-conversation', lane: 'ticket:X', keys: ['X:1'], tag: 't', mailboxId: 1, part: 1, at: 1 }]);
    appendFileSync(path, '{"t":"done","step":"s","kind":"create-conversation","lane":"ticket:X","keys":["X:1"],"conversation":1e3,"part":1,"via":"ack","at":2}\n');
    const state = replayCheckpoint(path);
    expect(state.lanes.get('ticket:X')).toMatchObject({ partsCreated: 1, lastPart: 1000 });
    expect(state.doneKeys.has('X:1')).toBe(true);
    expect(state.inDoubt.size).toBe(0);
  });

  it('keeps in doubt exactly the open intents of a long log, in the order they were written', () => {
    const path = join(dir, 'checkpoint.jsonl');
    const events: CheckpointEvent[] = [];
    const open: string[] = [];
    // Thousands of steps, eight in flight at a time like delivery's lanes: every 500th never settles.
    for (let n = 0; n < 5000; n++) {
      events.push({ t: 'intent', step: `note:K:${n}`, kind: 'add-note', lane: 'conversation:1', keys: [`K:${n}`], conversation: 1, at: n });
      const settle = n - 8;
      if (settle < 0) continue;
      if (settle % 500 === 0) open.push(`note:K:${settle}`);
      else events.push({ t: 'done', step: `note:K:${settle}`, kind: 'add-note', lane: 'conversation:1', keys: [`K:${settle}`], conversation: 1, via: 'ack', at: n });
    }
    open.push(...Array.from({ length: 8 }, (_, i) => `note:K:${4992 + i}`));
    writeWithLogWriter(path, events);
    const state = replayCheckpoint(path);
    expect([...state.inDoubt.keys()]).toEqual(open);
    expect(state.doneKeys.size).toBe(5000 - open.length);
    expect(state.doneKeys.has('K:1')).toBe(true);
    expect(state.doneKeys.has('K:500')).toBe(false);
  });
});

describe('the line cursor', () => {
  const cursorOn = (line: string): { cursor: LineCursor; bytes: Buffer } => {
    const bytes = Buffer.from(line);
    const cursor = new LineCursor();
    cursor.reset(bytes, 0, bytes.length);
    return { cursor, bytes };
  };
  const WANTED = ['"conversation":', '"linkFrom":', '"continuation":'].map((name) => Buffer.from(name));

  it('reads the keys and the wanted integers of a done as JSON.stringify writes it', () => {
    const done: DoneEvent = { t: 'done', step: 's', kind: 'create-conversation', lane: 'ticket:1', keys: ['1:a', 'ü:2'], conversation: 123456789012, threads: [5, 6], part: 1, linkFrom: 77, via: 'ack', at: 1_700_000_000_000 };
    const line = JSON.stringify(done);
    const { cursor, bytes } = cursorOn(line);
    expect(cursor.literal(Buffer.from(line.slice(0, line.indexOf('"keys":[') + 8)))).toBe(true);
    const ranges = new Ranges();
    expect(cursor.stringRanges(ranges)).toBe(2);
    expect([0, 1].map((i) => bytes.toString('utf8', ranges.start(i), ranges.end(i)))).toEqual(['1:a', 'ü:2']);
    const values = new Float64Array(3);
    expect(cursor.restOfObject(WANTED, values)).toBe(true);
    expect([...values]).toEqual([123456789012, 77, Number.NaN]);
  });

  it.each([
    ['an escape in a string', '{"a":1,"via":"a\\"b"}'],
    ['an exponent', '{"a":1,"conversation":1e3}'],
    ['a fraction', '{"a":1,"conversation":1.5}'],
    ['a leading zero', '{"a":1,"conversation":012}'],
    ['a nested object', '{"a":1,"x":{"y":1}}'],
    ['a literal', '{"a":1,"x":true}'],
    ['whitespace', '{"a":1, "x":1}'],
    ['something after the object', '{"a":1,"x":1}x'],
    ['no closing brace', '{"a":1,"x":1'],
    ['sixteen digits', '{"a":1,"x":1234567890123456}'],
  ])('misses on %s, so the caller parses the line', (_what, line) => {
    const { cursor } = cursorOn(line);
    expect(cursor.literal(Buffer.from('{"a":1'))).toBe(true);
    expect(cursor.restOfObject(WANTED, new Float64Array(3))).toBe(false);
  });

  it('misses on a key with an escape', () => {
    const { cursor } = cursorOn('"a","b\\"c"]');
    expect(cursor.stringRanges(new Ranges())).toBe(-1);
  });
});
