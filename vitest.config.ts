import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Files whose verdict is how fully the tool uses its rate budget: other files' load would starve their processes. */
const ALONE = ['test/reliability/shared-budget.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.soak.test.ts', ...ALONE],
          // Vitest's default is one file fewer than the cores: on 2 cores, one file at a time.
          // Most files wait on child processes, sockets and rate windows, and their verdicts are
          // driven by events, not speed: two at a time take them from 345 s to 230 s there.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
