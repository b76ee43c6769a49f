import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ENV } from '../helpers/import-env.ts';

export const REPO = join(import.meta.dirname, '..', '..');

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Child {
  readonly process: ChildProcess;
  readonly exit: Promise<ChildExit>;
  kill(): void;
}

/** Spawns `node --import tsx <script> <args>` in the repo, with the test credentials. */
export function spawnNode(script: string, args: readonly string[], options: { shell?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const env = { ...process.env, ...ENV, NO_COLOR: '1', ...options.env };
  const argv = ['--import', 'tsx', script, ...args];
  const child = options.shell === undefined
    ? spawn(process.execPath, argv, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('bash', ['-c', `${options.shell}; exec "$0" "$@"`, process.execPath, ...argv], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<ChildExit>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    process: child,
    exit,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The real CLI: `hs-import run --config <path>`. */
export function spawnCli(args: readonly string[], options: { shell?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  return spawnNode('src/cli/main.ts', args, options);
}

/** What the proxy does with one write (a POST to a conversation endpoint) of the child. */
export type WriteVerdict =
  | 'forward'
  /** Kill the child before the request reaches Help Scout: nothing stored, intent logged. */
  | 'kill-before'
  /** Let Help Scout store it, then kill the child before it reads the 201. */
  | 'kill-after-commit'
  /** Hand the 201 over and kill the child a moment later (before or after it logs `done`). */
  | { readonly killAfterMs: number };

export interface WriteSeen {
  readonly method: string;
  readonly path: string;
  /** Create Conversation rather than a note. */
  readonly create: boolean;
}

/**
 * A transparent HTTP proxy between the CLI and the simulator, so a test can SIGKILL the child
 * at an exact point of a write: before it is sent on, after the simulator committed it, or just
 * after the answer. Real HTTP on both sides; the simulator still injects its own faults.
 */
export class KillProxy {
  private server: Server | undefined;
  url = '';
  onWrite: (write: WriteSeen) => WriteVerdict = () => 'forward';
  /** Changes the headers of a write's answer before the child sees them. */
  answerHeaders: (write: WriteSeen, headers: Record<string, string | string[] | undefined>) => Record<string, string | string[] | undefined> = (_write, headers) => headers;
  /** Every request of the child, writes or not, as it arrives. */
  onRequest: () => void = () => undefined;
  kill: () => void = () => undefined;

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      this.onRequest();
      const path = req.url ?? '/';
      const isWrite = req.method === 'POST' && path.startsWith('/v2/conversations');
      const write = { method: req.method ?? 'POST', path, create: path.split('?')[0] === '/v2/conversations' };
      const verdict = isWrite ? this.onWrite(write) : 'forward';
      if (verdict === 'kill-before') {
        this.kill();
        res.destroy();
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      // Sent on whatever happens to the child: a killed run's request may still land (DESIGN §3).
      const upstream = httpRequest(`${this.upstream}${path}`, { method: req.method, headers, agent: false }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('error', () => res.destroy());
        answer.on('end', () => {
          if (verdict === 'kill-after-commit') {
            this.kill();
            res.destroy();
            return;
          }
          const out = isWrite ? this.answerHeaders(write, { ...answer.headers }) : { ...answer.headers };
          delete out.connection;
          delete out['keep-alive'];
          delete out['transfer-encoding'];
          out['content-length'] = String(Buffer.concat(body).length);
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(Buffer.concat(body));
          if (typeof verdict === 'object') setTimeout(() => { this.kill(); }, verdict.killAfterMs);
        });
      });
      // The simulator dropped the connection (its lost-response or reset fault): so does the proxy.
      upstream.on('error', () => {
        if (verdict !== 'forward') this.kill();
        res.destroy();
      });
      upstream.end(Buffer.concat(chunks));
    });
  }
}
