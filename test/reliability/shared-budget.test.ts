import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { importStatus } from '../../src/pipeline/status.ts';
import { statusLines } from '../../src/report/status-report.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { spawnCli, type Child, type ChildExit } from '../crash/harness.ts';
import { bodyCounts, CREDENTIALS, csvOf, generateRows } from '../helpers/import-env.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';

/** DESIGN §10: several `hs-import run` processes, one key, one account; a real Redis, real HTTP. */

const WINDOW_SECONDS = 2;
const WINDOW_MS = WINDOW_SECONDS * 1000;
const UNITS = 200;
const PROCESSES = 3;
const TICKETS = 60;
const PER_TICKET = 5;
const INTEGRATION = { appId: 'other-integration', appSecret: 'other-integration-secret-77' };

let redis: RedisServer;
let sim: RunningSimulator | undefined;
let dirs: string[] = [];
const children: Child[] = [];
let stopIntegration: (() => Promise<void>) | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await stopIntegration?.();
  stopIntegration = undefined;
  await sim?.close();
  sim = undefined;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
afterAll(async () => {
  await redis.stop();
});

/** Units and 429s the simulator served per window (floor(now / window), as it counts), recorded as they happen. */
interface Meter {
  readonly units: Map<number, number>;
  readonly refused: Map<number, number>;
  /** Called with the simulator's running total of units after each admitted request. */
  onUnits?: (total: number) => void;
  /** When every process had landed a note, and when the first one had landed all of its notes. */
  allImporting?: number;
  firstFinished?: number;
}

function meter(s: RunningSimulator): Meter {
  const m: Meter = { units: new Map(), refused: new Map() };
  const counters = s.state.counters as unknown as Record<'unitsSpent' | 'rateLimited', number>;
  for (const [field, map] of [['unitsSpent', m.units], ['rateLimited', m.refused]] as const) {
    let value = counters[field];
    Object.defineProperty(counters, field, {
      configurable: true,
      get: () => value,
      set: (next: number) => {
        const w = Math.floor(Date.now() / WINDOW_MS);
        if (next > value) map.set(w, (map.get(w) ?? 0) + next - value);
        value = next;
        if (field !== 'unitsSpent') return;
        m.onUnits?.(value);
        if (m.firstFinished === undefined) progressOf(s, m);
      },
    });
  }
  return m;
}

/** Notes landed per process (its conversations are 1000·(p+1) + t). */
function progressOf(s: RunningSimulator, m: Meter): void {
  const landed = Array.from({ length: PROCESSES }, () => 0);
  for (const c of s.state.conversations.values()) {
    const p = Math.floor(c.id / 1000) - 1;
    landed[p] = (landed[p] ?? 0) + c.threads.filter((t) => t.imported).length;
  }
  const now = Date.now();
  if (m.allImporting === undefined && landed.every((n) => n > 0)) m.allImporting = now;
  if (landed.some((n) => n >= TICKETS * PER_TICKET)) m.firstFinished = now;
}

interface Setup {
  readonly sim: RunningSimulator;
  readonly configs: string[];
  readonly meter: Meter;
  readonly notes: number;
}

/** One simulated account with a short window; per process, its own export (disjoint tickets and conversations) and config on the shared key. */
async function setup(key: string, sharedBudget = true): Promise<Setup> {
  const conversations: { id: number }[] = [];
  const configs: string[] = [];
  for (let p = 0; p < PROCESSES; p++) {
    const dir = mkdtempSync(join(tmpdir(), `hs-shared-${p}-`));
    dirs.push(dir);
    const rows = generateRows(TICKETS, PER_TICKET, (t) => ({ conversation: 1000 * (p + 1) + t })).map((row) => ({ ...row, ticket: `P${p}-${row.ticket}`, text: row.text.replace('body of', `body of P${p}`) }));
    for (let t = 0; t < TICKETS; t++) conversations.push({ id: 1000 * (p + 1) + t });
    writeFileSync(join(dir, 'notes.csv'), csvOf(rows));
    const config = {
      source: { format: 'csv', path: 'notes.csv', attribution: false },
      target: {
        baseUrl: 'http://127.0.0.1:1',
        mailboxId: 1,
        requestsPerMinute: UNITS,
        rateWindowSeconds: WINDOW_SECONDS,
        reconcileAfterSeconds: 0,
        ...(sharedBudget ? { sharedBudget: { redis: redis.url, key } } : {}),
      },
      checkpoint: 'state/checkpoint.jsonl',
      reports: 'reports',
    };
    configs.push(join(dir, 'import.config.json'));
    writeFileSync(join(dir, 'import.config.json'), JSON.stringify(config, null, 2));
  }
  const started = await startSimulator({
    seed: {
      credentials: [CREDENTIALS, INTEGRATION],
      mailboxes: [{ id: 1, name: 'Support' }],
      users: [{ id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' }],
      rateLimit: { unitsPerWindow: UNITS, windowSeconds: WINDOW_SECONDS },
      conversations,
    },
  });
  sim = started;
  for (const path of configs) writeFileSync(path, readFileSync(path, 'utf8').replace('http://127.0.0.1:1', started.url));
  return { sim: started, configs, meter: meter(started), notes: PROCESSES * TICKETS * PER_TICKET };
}

/**
 * Another integration on the same account, behind the tool's back: its own token, one GET every
 * `everyMs` (a third of the budget at 30 ms), whatever it is answered. It counts what it was
 * served per window, so the tool's share of the simulator's counts is known.
 */
async function integration(s: RunningSimulator, everyMs: number): Promise<{ units: Map<number, number>; refused: Map<number, number> }> {
  const token = await fetch(`${s.url}/v2/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: INTEGRATION.appId, client_secret: INTEGRATION.appSecret }),
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const served = { units: new Map<number, number>(), refused: new Map<number, number>() };
  let running = true;
  const loop = (async () => {
    for (let next = Date.now(); running; next += everyMs) {
      const response = await fetch(`${s.url}/v2/users?page=1`, { headers: { authorization: `Bearer ${access_token}` } });
      await response.arrayBuffer();
      const w = Math.floor(Date.now() / WINDOW_MS);
      const map = response.status === 429 ? served.refused : served.units;
      map.set(w, (map.get(w) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next + everyMs - Date.now())));
    }
  })();
  stopIntegration = async () => {
    running = false;
    await loop;
  };
  return served;
}

function run(configs: readonly string[]): { children: Child[]; exits: Promise<ChildExit[]> } {
  const started = configs.map((config) => spawnCli(['run', '--config', config]));
  children.push(...started);
  return { children: started, exits: Promise.all(started.map((c) => c.exit)) };
}

interface RunJson {
  readonly requests: { readonly rateLimited: number };
  readonly sharedBudget?: { readonly key: string; readonly processes: number; readonly sharePerWindow: number; readonly redisLost: number; readonly spentByProcess: readonly unknown[] };
}

function reportOf(config: string): RunJson {
  return JSON.parse(readFileSync(join(config, '..', 'reports', 'run.json'), 'utf8')) as RunJson;
}

/** The tool's windows (the simulator's counts less the other integration's), and what the account served in each. */
function windows(m: Meter, others?: { units: Map<number, number>; refused: Map<number, number> }): { first: number; last: number; toolRefusedAfterFirst: number; full: { window: number; units: number }[] } {
  const tool = (w: number): number => (m.units.get(w) ?? 0) - (others?.units.get(w) ?? 0);
  const toolRefused = (w: number): number => (m.refused.get(w) ?? 0) - (others?.refused.get(w) ?? 0);
  const busy = [...new Set([...m.units.keys(), ...m.refused.keys()])].filter((w) => tool(w) > 0 || toolRefused(w) > 0).sort((a, b) => a - b);
  const first = busy[0] ?? 0;
  const last = busy[busy.length - 1] ?? 0;
  let toolRefusedAfterFirst = 0;
  for (let w = first + 1; w <= last + 1; w++) toolRefusedAfterFirst += toolRefused(w);
  // Full windows: every process importing from its start to its end (none starting up, none done).
  const full: { window: number; units: number }[] = [];
  for (let w = first + 1; w < last; w++) {
    if (m.allImporting !== undefined && w * WINDOW_MS >= m.allImporting && (m.firstFinished === undefined || (w + 1) * WINDOW_MS <= m.firstFinished)) full.push({ window: w, units: m.units.get(w) ?? 0 });
  }
  const perWindow = busy.map((w) => `${m.units.get(w) ?? 0}${others ? `(others ${others.units.get(w) ?? 0})` : ''}/${m.refused.get(w) ?? 0}×429`).join(' ');
  console.log(`units per ${WINDOW_SECONDS} s window of ${UNITS}, first to last: ${perWindow}; the tool's 429s after its first window: ${toolRefusedAfterFirst}; full windows (all processes importing): ${full.map((f) => f.units).join(' ')}`);
  return { first, last, toolRefusedAfterFirst, full };
}

function expectEveryNoteOnce(s: RunningSimulator, notes: number): void {
  const ours = [...bodyCounts(s)].filter(([body]) => body.startsWith('body of P'));
  expect(ours).toHaveLength(notes);
  expect(ours.filter(([, n]) => n !== 1)).toEqual([]);
}

// Each run lasts as long as its rate windows (20 to 40 s); the timeout is room for a loaded machine, not a verdict.
describe('one budget shared by several processes through Redis (DESIGN §10)', { timeout: 180_000 }, () => {
  it(`${PROCESSES} processes on one key: no 429 after the first window, every note once, ≥ 99 % of each full window used`, async () => {
    const { sim: s, configs, meter: m, notes } = await setup('three');
    const { exits } = run(configs);
    const done = await exits;
    expect(done.map((e) => e.code), done.map((e) => e.stderr.slice(-800)).join('\n')).toEqual(configs.map(() => 0));
    console.log(JSON.stringify(configs.map((c) => reportOf(c).sharedBudget)));
    expectEveryNoteOnce(s, notes);
    const use = windows(m);
    expect(use.toolRefusedAfterFirst).toBe(0);
    expect(use.full.length).toBeGreaterThanOrEqual(2);
    expect(use.full.filter((w) => w.units < 0.99 * UNITS)).toEqual([]);
    const reports = configs.map(reportOf);
    expect(Math.max(...reports.map((r) => r.sharedBudget?.processes ?? 0))).toBe(PROCESSES);
    expect(reports.every((r) => r.sharedBudget?.key === 'three')).toBe(true);
    // The run's summary and `status` name the key, the processes and each one's share.
    const who = /shared budget: key three on redis:\/\/127\.0\.0\.1:\d+\/0, 3 processes shared 200 units per 2 s window, a share of 66 each; units spent: .*this process \d+/;
    expect(done.filter((e) => who.test(e.stdout)).length).toBeGreaterThanOrEqual(1);
    const config = loadConfig(configs[0] ?? '');
    expect(statusLines(importStatus(config), config.checkpoint, false).join('\n')).toMatch(/shared budget: key three; last run: \d processes? shared 200 units per 2 s window, a share of \d+ each; units spent: .*this import \d+/);
  }, 90_000);

  it('the same with another integration spending a third of the budget behind the tool\'s back', async () => {
    const { sim: s, configs, meter: m, notes } = await setup('with-others');
    const others = await integration(s, Math.round((3 * WINDOW_MS) / UNITS));
    const { exits } = run(configs);
    const done = await exits;
    expect(done.map((e) => e.code), done.map((e) => e.stderr.slice(-800)).join('\n')).toEqual(configs.map(() => 0));
    expectEveryNoteOnce(s, notes);
    const use = windows(m, others);
    expect(use.toolRefusedAfterFirst).toBe(0);
    expect(use.full.length).toBeGreaterThanOrEqual(2);
    expect(use.full.filter((w) => w.units < 0.99 * UNITS)).toEqual([]);
    // The headers told the tool about the other integration's spending.
    expect(configs.map(reportOf).some((r) => (r.sharedBudget as { correctedUnits?: number } | undefined)?.correctedUnits ?? 0 > 0)).toBe(true);
  }, 90_000);

  it('Redis killed mid-run and restarted: every process falls back to its share and says so, nothing lost or twice, the run finishes', async () => {
    const { sim: s, configs, meter: m, notes } = await setup('killed');
    const expectedUnits = notes * 2;
    const started = run(configs);
    const lost = started.children.map(
      (child) =>
        new Promise<void>((resolve) => {
          let text = '';
          child.process.stderr?.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('lost Redis')) resolve();
          });
        }),
    );
    // Killed once the account has served a third of the run's writes: an event, not a timer.
    let killed: Promise<void> | undefined;
    m.onUnits = (total) => {
      if (killed === undefined && total >= expectedUnits / 3) killed = redis.kill();
    };
    // Back once every process has said it fell back to its local share.
    await Promise.all(lost);
    await killed;
    await redis.restart();
    const done = await started.exits;
    expect(done.map((e) => e.code), done.map((e) => e.stderr.slice(-800)).join('\n')).toEqual(configs.map(() => 0));
    expectEveryNoteOnce(s, notes);
    for (const exit of done) expect(exit.stderr).toMatch(/notice: shared budget: lost Redis .*local share of 66 units/);
    expect(done.some((exit) => exit.stderr.includes('is back; sharing key killed again'))).toBe(true);
    const use = windows(m);
    expect(use.toolRefusedAfterFirst).toBe(0);
    expect(configs.map(reportOf).every((r) => r.sharedBudget?.redisLost === 1)).toBe(true);
  }, 90_000);
});
