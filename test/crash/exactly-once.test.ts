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

describe('the same with policy.existing "side": history of existing conversations in linked side conversations', () => {
  it('seed 71: every note lands exactly once, in a side conversation, and each original gets one side note', { timeout: 300_000 }, async () => {
    // Few writes (a create and a link per conversation): lost responses are made likelier so some are met.
    await killRepeatedlyAndCheck({ seed: 71, kills: 8, existing: 'side', scale: 2, lostResponseRate: 0.3 });
  });
});
