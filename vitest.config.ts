import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.soak.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Vitest's default is one file fewer than the cores: on 2 cores, one file at a time. Most
    // files wait on child processes, sockets and rate windows, so two at a time take the suite
    // from 420 s to 295 s there (each test's verdict is driven by events, not by its speed).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
