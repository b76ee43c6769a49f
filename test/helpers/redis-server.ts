import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** A real redis-server of this machine (Debian's package), on a free loopback port, nothing persisted. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: what a crashed or unplugged Redis looks like to its clients. */
  kill(): Promise<void>;
  /** A new, empty redis-server on the same port (after kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed: these tests need a real Redis. Install Debian\'s package (sudo apt-get install redis-server; .ci/run does it when missing) and run them again.';

/** Fails (never skips) when redis-server is missing. */
export function requireRedisServer(): string {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error !== undefined || found.status !== 0) throw new Error(MISSING);
  return found.stdout.trim();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

/** Resolves once redis-server says it accepts connections (an event, not a wait); rejects if it exits first. */
function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready after 10 s: ${output.slice(-500)}`));
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(MISSING) : error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited ${String(code)} before it was ready: ${output.slice(-500)}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready && output.includes('Ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.kill(signal);
  await exited;
}

export async function startRedis(): Promise<RedisServer> {
  requireRedisServer();
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async kill() {
      if (child) await terminate(child, 'SIGKILL');
      child = undefined;
    },
    async restart() {
      if (child) await terminate(child, 'SIGKILL');
      child = await launch(port);
    },
    async stop() {
      if (child) await terminate(child, 'SIGTERM');
      child = undefined;
    },
  };
}
