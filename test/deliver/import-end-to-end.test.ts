import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, importEnv, importedThreads, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

const rows: NoteRow[] = [
  { ticket: 'A', id: '2', createdAt: '2023-01-01T10:05:00Z', text: 'A second', conversation: 11 },
  { ticket: 'B', id: '1', createdAt: '2023-01-02T08:00:00+02:00', text: 'B first', conversation: 12 },
  { ticket: 'A', id: '1', createdAt: '2023-01-01 10:00:00', text: 'A first', conversation: 11 },
  { ticket: 'C', id: '1', createdAt: '1672740000', text: 'C first', conversation: 13 },
  { ticket: 'A', id: '3', createdAt: '2023-01-01T10:10:00.999Z', text: 'A third', conversation: 11 },
  { ticket: 'C', id: '2', createdAt: '2023-01-03T11:00:00Z', text: 'C second', conversation: 13 },
];
const seed = { conversations: [{ id: 11, threads: 2 }, { id: 12 }, { id: 13, threads: 5 }] };

describe('a CSV of notes for three conversations', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('imports every note once, imported, with createdAt in Help Scout format, oldest first', async () => {
    env = await importEnv(rows, seed);
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 6, rejected: 0, inDoubt: 0, left: 0 });
    const threads = importedThreads(env.sim);
    expect(threads.get(11)?.map((t) => [t.body, t.createdAt])).toEqual([
      ['A first', '2023-01-01T10:00:00Z'],
      ['A second', '2023-01-01T10:05:00Z'],
      ['A third', '2023-01-01T10:10:00Z'],
    ]);
    expect(threads.get(12)?.map((t) => [t.body, t.createdAt])).toEqual([['B first', '2023-01-02T06:00:00Z']]);
    expect(threads.get(13)?.map((t) => t.body)).toEqual(['C first', 'C second']);
    // Posted in that order too: thread ids grow with each request.
    const ids = threads.get(11)?.map((t) => t.id) ?? [];
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(env.sim.state.conversations.get(13)?.threads).toHaveLength(7);
  });

  it('posts nothing new when run again', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    const notesBefore = env.sim.state.counters.snapshot().notesCreated;
    const again = await runImport(env.config, { env: ENV });
    expect(again.counts).toMatchObject({ done: 6, doneBefore: 6 });
    expect(again.requests.writes).toBe(0);
    expect(env.sim.state.counters.snapshot().notesCreated).toBe(notesBefore);
    expect([...importedThreads(env.sim).values()].flat()).toHaveLength(6);
  });

  it('returns one discriminated result per note', async () => {
    env = await importEnv([...rows, { ticket: 'D', id: '1', createdAt: '2023-01-01T00:00:00Z', text: 'gone', conversation: 999 }], seed);
    const result = await runImport(env.config, { env: ENV });
    const byKey = new Map([...result.results()].map((r) => [r.key, r]));
    expect(byKey.get('A:1')).toMatchObject({ status: 'done', conversation: 11 });
    expect(byKey.get('D:1')).toMatchObject({ status: 'rejected', reason: 'conversation_not_found' });
  });
});
