import { describe, it } from 'vitest';
import { killRepeatedlyAndCheck } from './scenario.ts';

describe('soak: the real CLI killed many times over a larger import', () => {
  // 4 × 30 kills over three times the notes, with more answers lost after commit.
  it.concurrent.each([{ seed: 101 }, { seed: 202 }, { seed: 303 }, { seed: 404 }])(
    'seed $seed: every input note lands exactly once, oldest first, nothing lost',
    { timeout: 1_800_000 },
    async ({ seed }) => {
      await killRepeatedlyAndCheck({ seed, kills: 30, scale: 3, lostResponseRate: 0.2 });
    },
  );
});
