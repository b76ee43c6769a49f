import { expect } from 'vitest';
import type { NoteResult } from '../../src/pipeline/results.ts';
import type { RunningSimulator, SimThread } from '../../src/simulator/index.ts';
import { importedThreads, type NoteRow } from '../helpers/import-env.ts';

/** `generateRows` writes `body of <ticket> note <id>`: the marker that ties a stored thread back to its input row. */
const MARKER = /body of (\S+) note (\d+)(?!\d)/g;

const CONTINUATION_LINK = /^<p><em>Imported history continue[sd] (?:in|from) <a href=/;

const keyOf = (row: Pick<NoteRow, 'ticket' | 'id'>): string => `${row.ticket}:${row.id}`;

interface Landed {
  readonly thread: SimThread;
  readonly conversation: number;
}

/**
 * What Help Scout (the simulator) holds, read back against the input rows: every imported
 * thread is found by the marker in its body, so a note that landed twice, landed nowhere, or
 * landed in a continuation (whose first note carries a back-link before the text) all count.
 */
export function landedByKey(sim: RunningSimulator): { byKey: Map<string, Landed[]>; unmarked: SimThread[] } {
  const byKey = new Map<string, Landed[]>();
  const unmarked: SimThread[] = [];
  for (const [conversation, threads] of importedThreads(sim)) {
    for (const thread of threads) {
      const keys = [...thread.body.matchAll(MARKER)].map((m) => `${m[1] ?? ''}:${m[2] ?? ''}`);
      if (keys.length === 0) unmarked.push(thread);
      // Two markers in one thread would be two notes fused into one: count both, the length check below catches it.
      for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), { thread, conversation }]);
    }
  }
  return { byKey, unmarked };
}

/**
 * The promises of DESIGN §4, checked against the INPUT (not the checkpoint, not the run's own
 * counts): each row is stored exactly once with its createdAt, each ticket's notes were posted
 * oldest first (thread ids grow with every request the simulator stores), nothing else was
 * imported but the tool's own continuation links, and the run accounts for each row as done.
 */
export function expectEveryRowLandedOnceInOrder(sim: RunningSimulator, rows: readonly NoteRow[], results: Iterable<NoteResult>): void {
  const { byKey, unmarked } = landedByKey(sim);
  const inputKeys = new Set(rows.map(keyOf));
  expect(inputKeys.size).toBe(rows.length);

  const lost = rows.filter((r) => !byKey.has(keyOf(r))).map(keyOf);
  const duplicated = [...byKey].filter(([, landed]) => landed.length > 1).map(([key, landed]) => `${key}×${landed.length}`);
  const strangers = [...byKey.keys()].filter((key) => !inputKeys.has(key));
  expect({ lost, duplicated, strangers }).toEqual({ lost: [], duplicated: [], strangers: [] });
  // Threads without a marker may only be the links between a full conversation and its continuation.
  expect(unmarked.filter((t) => !CONTINUATION_LINK.test(t.body)).map((t) => t.body.slice(0, 80))).toEqual([]);

  const byTicket = new Map<string, NoteRow[]>();
  for (const row of rows) byTicket.set(row.ticket, [...(byTicket.get(row.ticket) ?? []), row]);
  for (const [ticket, ticketRows] of byTicket) {
    const oldestFirst = [...ticketRows].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const landed = oldestFirst.map((r) => byKey.get(keyOf(r))?.[0]);
    expect(landed.map((l) => l?.thread.createdAt), `createdAt of ${ticket}`).toEqual(oldestFirst.map((r) => r.createdAt));
    const postedAt = landed.map((l) => l?.thread.id ?? 0);
    expect(postedAt, `ticket ${ticket} posted oldest first`).toEqual([...postedAt].sort((a, b) => a - b));
  }
  for (const c of sim.state.conversations.values()) expect(c.threads.length).toBeLessThanOrEqual(100);

  const ended = new Map([...results].map((r) => [r.key, r.status]));
  expect(ended.size).toBe(rows.length);
  expect(rows.filter((r) => ended.get(keyOf(r)) !== 'done' && ended.get(keyOf(r)) !== 'moved').map((r) => `${keyOf(r)}=${String(ended.get(keyOf(r)))}`)).toEqual([]);
}
