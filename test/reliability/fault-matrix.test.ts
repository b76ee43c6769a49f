import { afterEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../src/helpscout/client.ts';
import { runImport, type RunResult } from '../../src/pipeline/run-import.ts';
import type { CountersSnapshot, RunningSimulator, SeedFile } from '../../src/simulator/index.ts';
import { CREDENTIALS, ENV, generateRows, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
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
  /** Done to Help Scout once, while notes are being posted (see MID_RUN). */
  readonly midRun?: (sim: RunningSimulator) => Promise<void> | void;
  /** Proof the fault really struck: a case whose fault never fired would prove nothing. */
  readonly struck: (counters: CountersSnapshot, result: RunResult) => void;
}

/** Someone merges 82 into 83 in Help Scout. */
const merge = (sim: RunningSimulator): void => {
  sim.state.merge(82, 83);
};

/**
 * Another app on the same account, for two seconds: the budget drops to one write a window, and
 * that app spends each window as it opens, so whatever the client sends meanwhile meets a 429
 * however well it reads the rate headers.
 */
const otherAppSpends = async (sim: RunningSimulator): Promise<void> => {
  const before = sim.state.config.rateLimit;
  sim.state.config = { ...sim.state.config, rateLimit: { unitsPerWindow: 2, windowSeconds: 1 } };
  const until = Date.now() + 2000;
  let token: string | undefined;
  while (Date.now() < until) {
    try {
      token ??= await accessToken(sim.url);
      const response = await fetch(`${sim.url}/v2/conversations/83`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 401) token = undefined;
      await response.arrayBuffer();
    } catch {
      // An injected reset hits this app too: it just asks again.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  sim.state.config = { ...sim.state.config, rateLimit: before };
};

async function accessToken(baseUrl: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: CREDENTIALS.appId, client_secret: CREDENTIALS.appSecret });
  const response = await fetch(`${baseUrl}/v2/oauth2/token`, { method: 'POST', body });
  return ((await response.json()) as { access_token: string }).access_token;
}

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
    midRun: otherAppSpends,
    struck: (c, r) => {
      expect(c.rateLimited).toBeGreaterThan(0);
      expect(r.requests.rateLimited).toBeGreaterThan(0);
      expect(r.rate.pauses).toBeGreaterThan(0);
    },
  },
  {
    name: 'latency spikes (0–200 ms on every request)',
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
    // No fewer uses than requests in flight: with fewer, a request whose renewed token the others
    // used up meets a second 401 and the client aborts auth_failed (a known limit, reported apart).
    tokens: { expireAfterRequests: 20 },
    ...SHORT_WINDOW.seed,
  },
  target: SHORT_WINDOW.target,
  midRun: (sim) => {
    merge(sim);
    return otherAppSpends(sim);
  },
  struck: (c, r) => {
    for (const fault of ['serverError', 'reset', 'lostResponse', 'latency'] as const) expect(c.faults[fault], fault).toBeGreaterThan(0);
    expect(c.tokensIssued).toBeGreaterThan(2);
    expect(r.requests.rateLimited).toBeGreaterThan(0);
    expect(r.rate.pauses).toBeGreaterThan(0);
    expect(r.delivery.moved).toBeGreaterThan(0);
  },
};

/**
 * When the mid-run event strikes: right after Help Scout acknowledged the 4th note in 82, so
 * that lane's next request is a write that must discover the merge (404, then 301) while the
 * other lanes are mid-flight. (A merge landing between a reconciliation's GET of 82 and its
 * thread listing currently ends that in-doubt note rejected api_rejected: a known race, reported apart.)
 */
const MID_RUN = { path: '/v2/conversations/82/notes', after: 4 } as const;

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('fault matrix: 60 notes over real HTTP, compared against the input rows', () => {
  it.each([...FAULTS, ALL_TOGETHER])('$name: every row lands exactly once, oldest first, and ends done', async (fault) => {
    env = await importEnv(ROWS, { conversations: CONVERSATIONS, ...fault.seed }, fault.target ? { target: fault.target } : {});
    const sim = env.sim;
    let midRun: Promise<void> | undefined;
    let acknowledged = 0;
    const onRequest = (e: RequestEvent): void => {
      if (e.method === 'POST' && e.path === MID_RUN.path && e.status === 201 && ++acknowledged === MID_RUN.after && fault.midRun !== undefined) {
        midRun = Promise.resolve(fault.midRun(sim));
      }
    };
    const result = await runImport(env.config, { env: ENV, onRequest });

    await midRun;
    expect(midRun !== undefined).toBe(fault.midRun !== undefined);
    fault.struck(sim.state.counters.snapshot(), result);
    expect(result.counts).toMatchObject({ done: ROWS.length, rejected: 0, inDoubt: 0, left: 0 });
    expectEveryRowLandedOnceInOrder(sim, ROWS, result.results());
  });
});
