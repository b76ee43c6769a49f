import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, expectExactlyOnceInOrder, fillMidRun, generateRows, importEnvIn, importedThreads, THREAD_MODES, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv;
afterEach(async () => env.close());

function statuses(e: ImportEnv, route: string): Record<string, number> {
  const requests = e.sim.state.counters.snapshot().requests;
  return Object.entries(requests).filter(([k]) => k.includes(route)).reduce<Record<string, number>>((acc, [, byStatus]) => {
    for (const [status, n] of Object.entries(byStatus)) acc[status] = (acc[status] ?? 0) + n;
    return acc;
  }, {});
}

// Every scenario twice: every message a note, and as customer, reply and note threads.
describe.each(THREAD_MODES)('policy.threads "%s"', (threads) => {
  const importEnvFor = importEnvIn(threads);

  describe('the 100-thread limit', () => {
    it('a conversation with 97 threads takes one note and a link; the rest go to a continuation that links back', async () => {
      env = await importEnvFor(generateRows(1, 5, () => ({ conversation: 7 })), { conversations: [{ id: 7, threads: 97, subject: 'Printer', customerEmail: 'p@example.com' }] });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts.done).toBe(5);
      const original = env.sim.state.conversations.get(7);
      expect(original?.threads).toHaveLength(99);
      expect(original?.threads.at(-1)?.body).toMatch(/continues in <a href="[^"]+">conversation \d+</);
      const continuation = [...env.sim.state.conversations.values()].find((c) => c.subject === 'Printer (continued, part 2)');
      expect(continuation?.threads.map((t) => t.body.slice(0, 30))).toHaveLength(5);
      expect(continuation?.threads[0]?.body).toContain('continued from <a href="https://secure.helpscout.net/conversation/7">');
      expect(continuation?.customer.email).toBe('p@example.com');
      expectExactlyOnceInOrder(env, 5);
      expect(statuses(env, 'notes')['412']).toBeUndefined();
    });

    it.each([0, 50, 98, 99])('never gets a 412 the plan could have avoided (%i existing threads, 120 notes)', async (threads) => {
      env = await importEnvFor(generateRows(1, 120, () => ({ conversation: 7 })), { conversations: [{ id: 7, threads, customerEmail: 'p@example.com' }] });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts).toMatchObject({ done: 120, rejected: 0 });
      expectExactlyOnceInOrder(env, 120);
      expect(statuses(env, 'notes')['412']).toBeUndefined();
    });

    it('a 250-note new ticket lands in 3 conversations of at most 100 threads', async () => {
      env = await importEnvFor(generateRows(1, 250));
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts.done).toBe(250);
      expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(3);
      expect(result.requests.writes).toBe(3);
      expectExactlyOnceInOrder(env, 250);
    });

    it('a conversation someone else filled meanwhile: the 412 re-plans the rest into a continuation', async () => {
      env = await importEnvFor(generateRows(1, 30, () => ({ conversation: 7 })), { conversations: [{ id: 7, threads: 10, customerEmail: 'p@example.com' }] });
      const fill = fillMidRun(env, 7, 5);
      const result = await runImport(env.config, fill.options);
      expect(fill.filled()).toBe(true);
      expect(result.counts).toMatchObject({ done: 30, rejected: 0 });
      expect(result.delivery.replans).toBeGreaterThan(0);
      expectExactlyOnceInOrder(env, 30);
    });
  });

  describe('merged conversations', () => {
    it('merged before the run: notes follow the 301 and land where it lives now', async () => {
      env = await importEnvFor(generateRows(2, 3, (t) => ({ conversation: t === 0 ? 21 : 22 })), { conversations: [{ id: 22 }, { id: 21, mergedInto: 22 }] });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts.done).toBe(6);
      expect(importedThreads(env.sim).get(22)).toHaveLength(6);
      expect([...result.results()].filter((r) => r.status === 'moved')).toHaveLength(3);
      expectExactlyOnceInOrder(env, 6);
    });

    it('merged during the run along a chain A→B→C: the 404 is resolved hop by hop and the rest lands in C', async () => {
      env = await importEnvFor(generateRows(1, 20, () => ({ conversation: 31 })), { conversations: [{ id: 31 }, { id: 32 }, { id: 33 }] });
      let merged = false;
      const result = await runImport(env.config, {
        env: ENV,
        onProgress: (p) => {
          if (!merged && p.phase === 'deliver' && p.done >= 8) {
            merged = true;
            env.sim.state.merge(32, 33);
            env.sim.state.merge(31, 32);
          }
        },
      });
      expect(merged).toBe(true);
      expect(result.counts.done).toBe(20);
      expect(result.delivery.moved).toBeGreaterThan(0);
      expect(importedThreads(env.sim).get(33)).toHaveLength(20);
      expectExactlyOnceInOrder(env, 20);
    });

    it('a conversation that does not exist: its notes are rejected conversation_not_found', async () => {
      env = await importEnvFor(generateRows(1, 3, () => ({ conversation: 404 })));
      const result = await runImport(env.config, { env: ENV });
      expect(result.rejects.map((r) => r.reason)).toEqual(['conversation_not_found', 'conversation_not_found', 'conversation_not_found']);
    });
  });

  describe('the "too old" 412', () => {
    it('policy continue: the notes go to a continuation conversation', async () => {
      env = await importEnvFor(generateRows(1, 4, () => ({ conversation: 41 })), { conversations: [{ id: 41, tooOld: true, threads: 3, subject: 'Old', customerEmail: 'o@example.com' }] });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts).toMatchObject({ done: 4, rejected: 0 });
      expect(env.sim.state.conversations.get(41)?.threads).toHaveLength(3);
      const continuation = [...env.sim.state.conversations.values()].find((c) => c.subject.startsWith('Old (continued'));
      expect(continuation?.threads.filter((t) => t.body.startsWith('body of '))).toHaveLength(4);
      expectExactlyOnceInOrder(env, 4);
    });

    it('policy reject: the notes are rejected too_old', async () => {
      env = await importEnvFor(generateRows(1, 4, () => ({ conversation: 41 })), { conversations: [{ id: 41, tooOld: true }] }, { policy: { tooOld: 'reject' } });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts.done).toBe(0);
      expect(result.rejects.map((r) => r.reason)).toEqual(['too_old', 'too_old', 'too_old', 'too_old']);
    });
  });

  describe('faults', () => {
    it('a token that expires mid-run is renewed once and the run goes on', async () => {
      env = await importEnvFor(generateRows(3, 10, (t) => ({ conversation: 50 + t })), { conversations: [{ id: 50 }, { id: 51 }, { id: 52 }], tokens: { expireAfterRequests: 7 } });
      const result = await runImport(env.config, { env: ENV });
      expect(result.counts.done).toBe(30);
      expect(result.requests.tokenRefreshes).toBeGreaterThan(2);
      expectExactlyOnceInOrder(env, 30);
    });

    it('a 429 storm pauses everything for X-RateLimit-Retry-After and loses nothing', async () => {
      env = await importEnvFor(
        generateRows(8, 4, (t) => ({ conversation: 60 + t })),
        { conversations: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ id: 60 + i })), rateLimit: { unitsPerWindow: 40, windowSeconds: 1 } },
        { target: { rateWindowSeconds: 1, requestsPerMinute: 1000 } },
      );
      let squeezed = false;
      const result = await runImport(env.config, {
        env: ENV,
        onProgress: (p) => {
          // Another app starts spending the same account: the budget left to us drops to a tenth.
          if (!squeezed && p.phase === 'deliver' && p.done >= 4) {
            squeezed = true;
            env.sim.state.config = { ...env.sim.state.config, rateLimit: { unitsPerWindow: 4, windowSeconds: 1 } };
          }
        },
      });
      expect(result.counts.done).toBe(32);
      expect(env.sim.state.counters.snapshot().rateLimited).toBeGreaterThan(0);
      expect(result.rate.pauses).toBeGreaterThan(0);
      expectExactlyOnceInOrder(env, 32);
    });

    it('5xx, connection resets and responses lost after commit: every note exactly once', async () => {
      env = await importEnvFor(
        [...generateRows(6, 8, (t) => ({ conversation: 70 + t })), ...generateRows(3, 8).map((r) => ({ ...r, ticket: `N${r.ticket}`, text: `${r.text} new` }))],
        { conversations: [0, 1, 2, 3, 4, 5].map((i) => ({ id: 70 + i })), faults: { seed: 7, serverErrorRate: 0.15, resetRate: 0.1, lostResponseRate: 0.15, on: 'writes' } },
      );
      const result = await runImport(env.config, { env: ENV });
      const faults = env.sim.state.counters.snapshot().faults;
      expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
      expect(result.counts).toMatchObject({ done: 72, rejected: 0, inDoubt: 0 });
      expect(result.delivery.notesReconciled).toBeGreaterThan(0);
      expectExactlyOnceInOrder(env, 72);
    });
  });
});
