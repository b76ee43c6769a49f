import { describe, it } from 'vitest';
import { killRepeatedlyAndCheck } from './scenario.ts';

describe('the real CLI, SIGKILLed at seeded kill points and run again', () => {
  // Three imports side by side, 8 kills each (24 in all), every run a fresh `node` process.
  it.concurrent.each([{ seed: 11 }, { seed: 23 }, { seed: 37 }])(
    'seed $seed: every input note lands exactly once, oldest first, nothing lost',
    { timeout: 300_000 },
    async ({ seed }) => {
      await killRepeatedlyAndCheck({ seed, kills: 8 });
    },
  );
});

describe('the same in policy.threads "native": customer threads, replies and notes', () => {
  it('seed 53: every message lands exactly once as its own thread type, nothing lost', { timeout: 300_000 }, async () => {
    await killRepeatedlyAndCheck({ seed: 53, kills: 8, threads: 'native' });
  });
});
