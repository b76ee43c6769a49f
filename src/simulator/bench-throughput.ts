import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DEMO_CREDENTIAL, startSimulator } from './index.ts';

export interface ThroughputOptions {
  /** Default 3. */
  durationSeconds?: number;
  /**
   * Run first and not counted, so JIT warm-up does not pass for the simulator's speed: this
   * long and at least 3,000 requests (a starved machine gets through few). Default 0.5.
   */
  warmupSeconds?: number;
  /** Keep-alive connections, default 16. */
  connections?: number;
  /** Requests kept in flight, default 64. */
  concurrency?: number;
  /**
   * Get Conversation (default), or Create Note only: a lane whose conversation nears the
   * thread cap moves on to a fresh one, seeded through the control surface (not counted).
   */
  kind?: 'get' | 'note';
}

export interface ThroughputResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /**
   * Process CPU time (user + system) per request, both threads: simulator and load generator.
   * On a shared machine wall-clock rates swing with the neighbours; this much less.
   */
  cpuMicrosPerRequest: number;
}

interface LoadSettings {
  url: string;
  authorization: string;
  kind: 'get' | 'note';
  connections: number;
  concurrency: number;
  warmupSeconds: number;
  warmupRequests: number;
  durationSeconds: number;
  undici: string;
}

type LoadMessage = { kind: 'measuring' } | { kind: 'done'; requests: number; seconds: number } | { kind: 'failed'; message: string };

/**
 * The load generator, plain JavaScript so a worker thread runs it whatever loader the caller
 * uses (tsx, vitest). It shares nothing with the simulator's thread but the loopback socket.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData: s } = require('node:worker_threads');
const { Pool } = require(s.undici);
const pool = new Pool(s.url, { connections: s.connections, pipelining: 1 });
let nextId = s.concurrency + 1;
const lanes = Array.from({ length: s.concurrency }, (_, i) => ({ id: i + 1, notes: 0 }));
async function fresh(lane) {
  lane.id = nextId++;
  lane.notes = 0;
  const r = await pool.request({ method: 'POST', path: '/__sim/conversations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: lane.id, threads: 3 }) });
  await r.body.dump();
}
async function load(done) {
  let requests = 0;
  await Promise.all(lanes.map(async (lane) => {
    while (!done(requests)) {
      if (s.kind === 'note' && lane.notes >= 90) await fresh(lane);
      const r = await pool.request(s.kind === 'note'
        ? { method: 'POST', path: '/v2/conversations/' + lane.id + '/notes', headers: { authorization: s.authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'note ' + lane.notes, imported: true, createdAt: '2020-01-01T00:00:00Z' }) }
        : { method: 'GET', path: '/v2/conversations/' + lane.id, headers: { authorization: s.authorization } });
      await r.body.dump();
      if (r.statusCode >= 400) throw new Error('simulator answered ' + r.statusCode);
      lane.notes += 1;
      requests += 1;
    }
  }));
  return requests;
}
(async () => {
  const warmupEnd = performance.now() + s.warmupSeconds * 1000;
  await load((n) => n >= s.warmupRequests && performance.now() >= warmupEnd);
  parentPort.postMessage({ kind: 'measuring' });
  const started = performance.now();
  const requests = await load(() => performance.now() >= started + s.durationSeconds * 1000);
  parentPort.postMessage({ kind: 'done', requests, seconds: (performance.now() - started) / 1000 });
  await pool.close();
})().catch((error) => parentPort.postMessage({ kind: 'failed', message: String(error && error.message || error) }));
`;

/**
 * Requests per second a fresh, unlimited simulator answers on loopback over keep-alive, with
 * the load generated on another thread so it does not eat the simulator's time. Only the
 * bench uses this: the simulator itself never imports client code.
 */
export async function measureSimulatorThroughput(opts: ThroughputOptions = {}): Promise<ThroughputResult> {
  const { durationSeconds = 3, warmupSeconds = 0.5, connections = 16, concurrency = 64, kind = 'get' } = opts;
  // One conversation per lane, so note lanes never reach the thread cap of another's.
  const simulator = await startSimulator({
    seed: { rateLimit: null, conversations: Array.from({ length: concurrency }, (_, i) => ({ id: i + 1, threads: 3 })) },
  });
  try {
    const tokenResponse = await fetch(`${simulator.url}/v2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CREDENTIAL.appId, client_secret: DEMO_CREDENTIAL.appSecret }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const settings: LoadSettings = {
      url: simulator.url,
      authorization: `Bearer ${access_token}`,
      kind,
      connections,
      concurrency,
      warmupSeconds,
      warmupRequests: warmupSeconds > 0 ? 3000 : 0,
      durationSeconds,
      undici: createRequire(import.meta.url).resolve('undici'),
    };
    const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: settings });
    let cpuBefore = process.cpuUsage();
    const done = await new Promise<{ requests: number; seconds: number }>((resolve, reject) => {
      worker.on('message', (message: LoadMessage) => {
        if (message.kind === 'measuring') cpuBefore = process.cpuUsage();
        else if (message.kind === 'done') resolve(message);
        else reject(new Error(`load generator failed: ${message.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`load generator exited with ${code}`));
      });
    });
    const cpu = process.cpuUsage(cpuBefore);
    await worker.terminate();
    return {
      requests: done.requests,
      seconds: done.seconds,
      requestsPerSecond: Math.round(done.requests / done.seconds),
      cpuMicrosPerRequest: Math.round(((cpu.user + cpu.system) / Math.max(1, done.requests)) * 10) / 10,
    };
  } finally {
    await simulator.close();
  }
}
