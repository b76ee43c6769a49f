import { describe, expect, it } from 'vitest';
import { measureSimulatorThroughput } from '../../src/simulator/bench-throughput.ts';

// The bench's measurement, smoke-tested only: speed is asserted nowhere in `npm test`.
describe('measureSimulatorThroughput', () => {
  it.each(['get', 'note'] as const)('drives a fresh simulator from a worker thread with %s requests and reports what it counted', async (kind) => {
    const result = await measureSimulatorThroughput({ durationSeconds: 0.3, warmupSeconds: 0, concurrency: 4, connections: 2, kind });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.requestsPerSecond).toBe(Math.round(result.requests / result.seconds));
    expect(result.cpuMicrosPerRequest).toBeGreaterThan(0);
  }, 30_000);
});
