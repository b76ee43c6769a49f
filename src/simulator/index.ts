import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from './clock.ts';
import { resolveConfig } from './config.ts';
import { FaultInjector } from './faults.ts';
import { RateLimiter } from './rate-limiter.ts';
import { applySeed, loadSeedFile } from './seed.ts';
import { parseSeedFile } from './seed-schema.ts';
import { RequestPipeline } from './server.ts';
import { SimulatorState } from './state.ts';
import { TokenStore } from './token-store.ts';
import type { SeedFile } from './types.ts';

export type { Clock } from './clock.ts';
export type { CountersSnapshot } from './counters.ts';
export { DEMO_CREDENTIAL } from './config.ts';
export { dumpState, type StateDump } from './dump.ts';
export { SeedError } from './seed-schema.ts';
export { SimulatorState } from './state.ts';
export type { SeedConversation, SeedFile, SeedUser, SimConfig, SimConversation, SimThread } from './types.ts';

export interface SimulatorOptions {
  /** 0 (default): a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: SeedFile;
  /** A JSON file holding a SeedFile; `seed` wins when both are given. */
  seedPath?: string;
  /** Time source for rate windows, token and merge expiry: tests move it instead of sleeping. */
  clock?: Clock;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:54321 */
  url: string;
  state: SimulatorState;
  close(): Promise<void>;
}

const loadSeed = (path: string | undefined): Promise<SeedFile> => (path === undefined ? Promise.resolve({}) : loadSeedFile(path));

/** Starts a Help Scout Mailbox API v2 double on real HTTP. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  // A seed object is checked like a file: tests build them by hand, and JSON casts lie.
  const seed = options.seed === undefined ? await loadSeed(options.seedPath) : parseSeedFile(options.seed);
  const clock = options.clock ?? systemClock;
  const state = new SimulatorState(resolveConfig(seed), clock);
  applySeed(state, seed);

  let url = '';
  const pipeline = new RequestPipeline({
    state,
    tokens: new TokenStore(clock),
    faults: new FaultInjector(state.config.faults),
    limiter: new RateLimiter(clock, () => state.config.rateLimit),
    baseUrl: () => url,
  });
  const server = createServer({ keepAliveTimeout: 30_000 }, pipeline.listener);
  // Garbage that is not even HTTP gets a 400 and a closed socket, never a crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        pipeline.close();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
