import { afterEach, describe, expect, it } from 'vitest';
import { runImport, type RunProgress, type RunResult } from '../../src/pipeline/run-import.ts';
import type { CountersSnapshot, RunningSimulator, SeedFile } from '../../src/simulator/index.ts';
import { ENV, generateRows, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { expectEveryRowLandedOnceInOrder } from './input-accounting.ts';

/**
 * Four tickets, 60 notes: one into a nearly full conversation (it overflows into a
 * continuation), two into plain conversations (one of which is merged away mid-run in the
 * merge cases), and one new ticket that becomes a created conversation.
 */
const ROWS: NoteRow[] = [
  ...generateRows(3, 15, (t) => ({ conversation: 81 + t })),
  ...generateRows(1, 15).map((r) => ({ ...r, ticket: `N${r.ticket}`, text: r.text.replace('body of T', 'body of NT') })),
];
const CONVERSATIONS: SeedFile['conversations'] = [
  { id: 81, threads: 90, subject: 'Nearly full', customerEmail: 'full@example.com' },
  { id: 82, subject: 'Merged away' },
  { id: 83, subject: 'Merge survivor' },
];

interface Fault {
  readonly name: string;
  readonly seed: SeedFile;
  readonly target?: Record<string, unknown>;
  /** Done to Help Scout once, while notes are being posted. */
  readonly midRun?: (sim: RunningSimulator) => void;
  /** Proof the fault really struck: a case whose fault never fired would prove nothing. */
  readonly struck: (counters: CountersSnapshot, result: RunResult) => void;
}

/** Someone merges 82 into 83 in Help Scout. */
const merge = (sim: RunningSimulator): void => {
  sim.state.merge(82, 83);
};

const timers: NodeJS.Timeout[] = [];

/**
 * Another app spends the same account: for two seconds one write at most fits in a window,
 * while the client still believes in the budget the last headers announced.
 */
const squeeze = (sim: RunningSimulator): void => {
  const before = sim.state.config.rateLimit;
  sim.state.config = { ...sim.state.config, rateLimit: { unitsPerWindow: 2, windowSeconds: 1 } };
  timers.push(
    setTimeout(() => {
      sim.state.config = { ...sim.state.config, rateLimit: before };
    }, 2000),
  );
};
const SHORT_WINDOW = { seed: { rateLimit: { unitsPerWindow: 400, windowSeconds: 1 } }, target: { rateWindowSeconds: 1, requestsPerMinute: 400 } };

const faultsOnAll = (rates: Partial<NonNullable<SeedFile['faults']>>): SeedFile => ({ faults: { seed: 11, on: 'all', ...rates } });

const FAULTS: Fault[] = [
  {
    name: '5xx',
    seed: faultsOnAll({ serverErrorRate: 0.25 }),
    struck: (c) => {
      expect(c.faults.serverError).toBeGreaterThan(3);
    },
  },
  {
    name: 'connection reset',
    seed: faultsOnAll({ resetRate: 0.2 }),
    struck: (c) => {
      expect(c.faults.reset).toBeGreaterThan(3);
    },
  },
  {
    name: 'response lost after commit',
    seed: faultsOnAll({ lostResponseRate: 0.2 }),
    struck: (c, r) => {
      expect(c.faults.lostResponse).toBeGreaterThan(3);
      expect(r.delivery.notesReconciled).toBeGreaterThan(0);
    },
  },
  {
    name: 'token expiry by request count',
    seed: { tokens: { expireAfterRequests: 6 } },
    struck: (c, r) => {
      expect(c.tokensIssued).toBeGreaterThan(5);
      expect(r.requests.tokenRefreshes).toBeGreaterThan(4);
    },
  },
  {
    name: '429 storm',
    seed: SHORT_WINDOW.seed,
    target: SHORT_WINDOW.target,
    midRun: squeeze,
    struck: (c, r) => {
      // However many 429s the timing gives (the first pauses every lane), all were ours and obeyed.
      expect(c.rateLimited).toBeGreaterThan(0);
      expect(r.requests.rateLimited).toBe(c.rateLimited);
      expect(r.rate.pauses).toBeGreaterThan(0);
    },
  },
  {
    name: 'latency spikes',
    seed: faultsOnAll({ latencyMs: 0, jitterMs: 200 }),
    struck: (c) => {
      expect(c.faults.latency).toBeGreaterThan(20);
    },
  },
  {
    name: 'merge during run',
    seed: {},
    midRun: merge,
    struck: (_c, r) => {
      expect(r.delivery.moved).toBeGreaterThan(0);
    },
  },
];

const ALL_TOGETHER: Fault = {
  name: 'all of them together',
  seed: {
    faults: { seed: 23, on: 'all', serverErrorRate: 0.08, resetRate: 0.08, lostResponseRate: 0.08, latencyMs: 0, jitterMs: 80 },
    // Not fewer uses than requests in flight: see the reliability report on a second 401 being fatal.
    tokens: { expireAfterRequests: 20 },
    ...SHORT_WINDOW.seed,
  },
  target: SHORT_WINDOW.target,
  midRun: (sim) => {
    merge(sim);
    squeeze(sim);
  },
  struck: (c, r) => {
    for (const fault of ['serverError', 'reset', 'lostResponse', 'latency'] as const) expect(c.faults[fault], fault).toBeGreaterThan(0);
    expect(c.tokensIssued).toBeGreaterThan(2);
    expect(c.rateLimited).toBeGreaterThan(0);
    expect(r.rate.pauses).toBeGreaterThan(0);
    expect(r.delivery.moved).toBeGreaterThan(0);
  },
};

let env: ImportEnv | undefined;
afterEach(async () => {
  timers.splice(0).forEach(clearTimeout);
  await env?.close();
  env = undefined;
});

describe('fault matrix: 60 notes over real HTTP, compared against the input rows', () => {
  it.each([...FAULTS, ALL_TOGETHER])('$name: every row lands exactly once, oldest first, and ends done', async (fault) => {
    env = await importEnv(ROWS, { conversations: CONVERSATIONS, ...fault.seed }, fault.target ? { target: fault.target } : {});
    const sim = env.sim;
    let struckMidRun = false;
    const onProgress = (p: RunProgress): void => {
      if (fault.midRun !== undefined && !struckMidRun && p.phase === 'deliver' && p.done >= 12) {
        struckMidRun = true;
        fault.midRun(sim);
      }
    };
    const result = await runImport(env.config, { env: ENV, onProgress });

    expect(struckMidRun).toBe(fault.midRun !== undefined);
    fault.struck(sim.state.counters.snapshot(), result);
    expect(result.counts).toMatchObject({ done: ROWS.length, rejected: 0, inDoubt: 0, left: 0 });
    expectEveryRowLandedOnceInOrder(sim, ROWS, result.results());
  });
});
