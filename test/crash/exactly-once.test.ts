import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CRASH_SEED, crashEnv, crashRows, crashUntilDone, expectEveryNoteExactlyOnce } from './scenario.ts';


/** Simulator faults on top of the kills: latency, and writes stored whose answer is lost. */
const faults = (seed: number) => ({ faults: { seed, latencyMs: 5, jitterMs: 25, lostResponseRate: 0.1, on: 'writes' as const } });

describe('the real CLI, SIGKILLed at seeded-random instants and run again', () => {
  // Two imports side by side: 2 × 10 kills, each run a fresh `node` process.
  it.concurrent.each([
    { seed: 11, label: 'A' },
    { seed: 23, label: 'B' },
  ])('import $label: every input note lands exactly once, oldest first, nothing lost', { timeout: 240_000 }, async ({ seed }) => {
    const rows = crashRows();
    const env = await crashEnv(rows, { ...CRASH_SEED, ...faults(seed) });
    try {
      const stats = await crashUntilDone(env, 10, seed);
      expect(stats.kills).toBeGreaterThanOrEqual(10);
      expect(stats.midCreate).toBeGreaterThanOrEqual(1);
      expectEveryNoteExactlyOnce(env.sim, rows);
      // The kills did leave writes in doubt, and the resumed runs found them instead of resending.
      const log = readFileSync(env.config.checkpoint, 'utf8');
      expect(log).toContain('"via":"reconciled"');
      expect(env.sim.state.counters.snapshot().faults.lostResponse).toBeGreaterThan(0);
    } finally {
      await env.close();
    }
  });
});
