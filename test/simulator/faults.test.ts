import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/simulator/faults.ts';
import type { SeedFile } from '../../src/simulator/index.ts';
import { note, startTestSimulator } from './helpers.ts';

const withFaults = (faults: NonNullable<SeedFile['faults']>): SeedFile => ({ rateLimit: null, conversations: [{ id: 1001 }], faults });

/** A request's outcome as the client sees it: a status, or a dropped connection. */
async function outcome(response: Promise<Response>): Promise<number | 'network-error'> {
  try {
    return (await response).status;
  } catch {
    return 'network-error';
  }
}

/** The low-level code under fetch's "fetch failed", e.g. ECONNRESET. */
async function networkErrorCode(response: Promise<Response>): Promise<string | undefined> {
  try {
    await response;
    return undefined;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code;
  }
}

describe('injected faults', () => {
  it('serverErrorRate: 500/503 before commit, nothing stored, counted', async () => {
    const sim = await startTestSimulator(withFaults({ serverErrorRate: 1 }));
    const statuses = new Set<number | string>();
    for (let i = 0; i < 20; i++) statuses.add(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note())));
    expect([...statuses].sort()).toEqual([500, 503]);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
    expect(sim.state.counters.faults.serverError).toBe(20);
  });

  it('resetRate: the connection is reset (ECONNRESET) before commit, nothing stored', async () => {
    const sim = await startTestSimulator(withFaults({ resetRate: 1 }));
    expect(await networkErrorCode(sim.api('POST', '/v2/conversations/1001/notes', note()))).toBe('ECONNRESET');
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
    expect(sim.state.counters.faults.reset).toBe(1);
    expect(sim.state.counters.requestCount('POST /v2/conversations/{id}/notes', 'reset')).toBe(1);
  });

  it('lostResponseRate: the write IS stored, then the socket is destroyed without a response', async () => {
    const sim = await startTestSimulator(withFaults({ lostResponseRate: 1 }));
    expect(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note()))).toBe('network-error');
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(1);
    expect(sim.state.counters.faults.lostResponse).toBe(1);
  });

  it('faults hit writes by default; on: "reads" hits GETs only; on: "all" both', async () => {
    const writesOnly = await startTestSimulator(withFaults({ serverErrorRate: 1 }));
    expect(await outcome(writesOnly.api('GET', '/v2/conversations/1001'))).toBe(200);
    const readsOnly = await startTestSimulator(withFaults({ serverErrorRate: 1, on: 'reads' }));
    expect(await outcome(readsOnly.api('GET', '/v2/conversations/1001'))).toBeGreaterThanOrEqual(500);
    expect(await outcome(readsOnly.api('POST', '/v2/conversations/1001/notes', note()))).toBe(201);
    const all = await startTestSimulator(withFaults({ serverErrorRate: 1, on: 'all' }));
    expect(await outcome(all.api('GET', '/v2/conversations/1001'))).toBeGreaterThanOrEqual(500);
    expect(await outcome(all.api('POST', '/v2/conversations/1001/notes', note()))).toBeGreaterThanOrEqual(500);
  });

  it('a fault schedule is deterministic for a seed', async () => {
    const schedule = async (seed: number) => {
      const sim = await startTestSimulator(withFaults({ seed, serverErrorRate: 0.3, resetRate: 0.2, lostResponseRate: 0.2 }));
      const outcomes: (number | string)[] = [];
      for (let i = 0; i < 30; i++) outcomes.push(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note())));
      return outcomes;
    };
    const first = await schedule(7);
    expect(await schedule(7)).toEqual(first);
    expect(await schedule(8)).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it('latencyMs + jitterMs delay answers (never sooner than latencyMs) and are counted as latency faults', async () => {
    const sim = await startTestSimulator(withFaults({ latencyMs: 50, jitterMs: 20, on: 'all' }));
    const started = performance.now();
    const statuses = await Promise.all(Array.from({ length: 5 }, () => outcome(sim.api('GET', '/v2/conversations/1001'))));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // A lower bound only: a loaded machine can make it later, never earlier.
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(sim.state.counters.faults.latency).toBe(5);
  });

  it('jitter: each delay is latencyMs plus 0..jitterMs, varied, and the same sequence for the same seed', () => {
    const delays = (seed: number) => {
      const injector = new FaultInjector({ seed, serverErrorRate: 0, resetRate: 0, lostResponseRate: 0, latencyMs: 100, jitterMs: 40, on: 'all' });
      return Array.from({ length: 200 }, () => injector.delayMs());
    };
    const first = delays(3);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...first)).toBeLessThanOrEqual(140);
    expect(new Set(first).size).toBeGreaterThan(20);
    expect(delays(3)).toEqual(first);
    expect(delays(4)).not.toEqual(first);
  });

  it('faults can be switched on and off at runtime', async () => {
    const sim = await startTestSimulator(withFaults({}));
    expect(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note()))).toBe(201);
    await sim.control('POST', 'config', { faults: { serverErrorRate: 1 } });
    expect(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note()))).toBeGreaterThanOrEqual(500);
    await sim.control('POST', 'config', { faults: { serverErrorRate: 0 } });
    expect(await outcome(sim.api('POST', '/v2/conversations/1001/notes', note()))).toBe(201);
  });
});
