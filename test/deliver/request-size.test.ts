import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, expectExactlyOnceInOrder, generateRows, importEnv, importEnvIn, importedThreads, THREAD_MODES, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

let env: ImportEnv;
afterEach(async () => env.close());

const padded = (rows: NoteRow[], bytes: number): NoteRow[] => rows.map((r) => ({ ...r, text: `${r.text} ${'x'.repeat(bytes)}` }));

/** The ticket a generated body belongs to (`body of T3 note 7 …` → `T3`). */
const ticketOf = (body: string): string | undefined => /^body of (\S+) note/.exec(body)?.[1];

// Both ways: every message a note, and as customer, reply and note threads.
describe.each(THREAD_MODES)('policy.threads "%s"', (threads) => {
  const importEnvFor = importEnvIn(threads);

  describe('requests that do not fit the gateway (413)', () => {
    it('a 100-note new ticket with 2 kB bodies against a 64 kB limit lands whole, split under the limit, never mixing tickets', async () => {
      env = await importEnvFor(padded(generateRows(2, 100), 2_000), { maxBodyBytes: 64 * 1024 });
      const result = await runImport(env.config, { env: ENV });

      expect(result.counts).toMatchObject({ done: 200, rejected: 0, inDoubt: 0 });
      expectExactlyOnceInOrder(env, 200);
      // The default bound (2 MB) is far above the gateway's: the first create is refused and the bound comes down.
      expect(result.delivery.requestBytesLowered.length).toBeGreaterThan(0);
      expect(result.delivery.requestBytesLowered.at(-1)).toBeLessThanOrEqual(64 * 1024);
      const counters = env.sim.state.counters.snapshot();
      expect(counters.conversationsCreated).toBeGreaterThanOrEqual(2 * Math.ceil((100 * 2_100) / (64 * 1024)));
      for (const threads of importedThreads(env.sim).values()) {
        const tickets = new Set(threads.map((t) => ticketOf(t.body)).filter((t) => t !== undefined));
        expect(tickets.size).toBe(1);
      }
    });

    it('a 100 kB note is rejected note_too_large, in an existing conversation and inside a new ticket; the other notes land', async () => {
      const existing = generateRows(1, 5, () => ({ conversation: 7 }));
      const fresh = generateRows(1, 5).map((r) => ({ ...r, ticket: 'N1', text: r.text.replace('T0', 'N1') }));
      const huge = (r: NoteRow | undefined): NoteRow => ({ ...(r as NoteRow), text: `${r?.text ?? ''} ${'y'.repeat(100_000)}` });
      const rows = [...existing.slice(0, 2), huge(existing[2]), ...existing.slice(3), ...fresh.slice(0, 3), huge(fresh[3]), ...fresh.slice(4)];
      env = await importEnvFor(rows, { maxBodyBytes: 64 * 1024, conversations: [{ id: 7, customerEmail: 'p@example.com' }] });

      const result = await runImport(env.config, { env: ENV });

      expect(result.rejects.map((r) => [`${r.ticket ?? ""}:${r.id ?? ""}`, r.reason])).toEqual(
        expect.arrayContaining([
          ['T0:2', 'note_too_large'],
          ['N1:3', 'note_too_large'],
        ]),
      );
      expect(result.rejects).toHaveLength(2);
      for (const reject of result.rejects) expect(reject.message).toMatch(/\d{6} bytes/);
      expect(result.counts).toMatchObject({ done: 8, rejected: 2, inDoubt: 0 });
      expectExactlyOnceInOrder(env, 8);
    });
  });
});

describe('shuffled exports', () => {
  it('posts every conversation oldest first when a 200k-note CSV lists notes in random order', async () => {
    const rows = generateRows(2_000, 100);
    // Fisher-Yates with a fixed LCG: the same shuffle every run.
    let state = 42;
    for (let i = rows.length - 1; i > 0; i--) {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      const j = state % (i + 1);
      [rows[i], rows[j]] = [rows[j] as NoteRow, rows[i] as NoteRow];
    }
    env = await importEnv(rows, { rateLimit: null });

    const result = await runImport(env.config, { env: ENV });

    expect(result.counts).toMatchObject({ done: 200_000, rejected: 0, inDoubt: 0 });
    for (const threads of importedThreads(env.sim).values()) {
      const times = threads.map((t) => t.createdAt);
      expect(times).toEqual([...times].sort());
      expect(new Set(threads.map((t) => ticketOf(t.body))).size).toBe(1);
    }
    expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(2_000);
  }, 120_000);
});
