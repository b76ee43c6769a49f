import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, expectExactlyOnceInOrder, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv;
afterEach(async () => env.close());

describe('the rate budget', () => {
  it('a run across several windows spends the budget with one 429 at most: the probe that tells where the first window ends', async () => {
    const conversations = Array.from({ length: 15 }, (_, i) => ({ id: 400 + i }));
    // 15 lookups + 150 notes × 2 units = 315 units against 100 a window: four windows.
    env = await importEnv(
      generateRows(15, 10, (t) => ({ conversation: 400 + t })),
      { conversations, rateLimit: { unitsPerWindow: 100, windowSeconds: 1 } },
      { target: { requestsPerMinute: 100, rateWindowSeconds: 1 } },
    );
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 150, rejected: 0, inDoubt: 0 });
    // The first window's budget runs out before the client knows where that window ends; one
    // request asks, and the 429's Retry-After tells it. After that, windows are known.
    expect(env.sim.state.counters.snapshot().rateLimited).toBeLessThanOrEqual(1);
    expect(result.requests.rateLimited).toBe(env.sim.state.counters.snapshot().rateLimited);
    expectExactlyOnceInOrder(env, 150);
  });
});
