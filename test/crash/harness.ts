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

/** Where the proxy SIGKILLs the child at one of its requests. */
export type Verdict =
  | 'forward'
  /** Kill the child before the request reaches Help Scout: nothing stored, intent logged. */
  | 'kill-before'
  /** Send it on and kill the child at once, while Help Scout handles it. */
  | 'kill-in-flight'
  /** Let Help Scout store it, then kill the child before it reads the answer. */
  | 'kill-after-commit'
  /** Hand the answer over, then kill the child at its next request (before or after it logs `done`). */
  | 'kill-after-answer';

export interface RequestSeen {
  readonly method: string;
  readonly path: string;
  /** A POST to a conversation endpoint: it changes Help Scout. */
  readonly write: boolean;
  /** Create Conversation rather than a thread. */
  readonly create: boolean;
}

/**
 * A transparent HTTP proxy between the CLI and the simulator, so a test can SIGKILL the child
 * at an exact request: before it is sent on, while Help Scout handles it, after Help Scout
 * committed it, or after the child got the answer. Every kill point is an event the proxy sees,
 * never a timer, so a fast or a slow machine kills at the same place. Once a kill is decided, no
 * later request of that child is sent on. Real HTTP on both sides; the simulator still injects
 * its own faults.
 */
export class KillProxy {
  private server: Server | undefined;
  url = '';
  /** Decides each request of the child as it arrives. */
  onRequest: (request: RequestSeen) => Verdict = () => 'forward';
  /** Changes the headers of a write's answer before the child sees them. */
  answerHeaders: (write: RequestSeen, headers: Record<string, string | string[] | undefined>) => Record<string, string | string[] | undefined> = (_write, headers) => headers;
  private killChild: () => void = () => undefined;
  /** A kill verdict was given: no later request of this child is sent on. */
  private decided = false;
  private killed = false;
  /** Requests that came while a `kill-after-answer` answer was on its way to the child. */
  private held: ServerResponse[] = [];
  private awaitingAnswer = false;
  private upstreamOpen = 0;
  private drainedWaiters: (() => void)[] = [];

  constructor(private readonly upstream: string) {}

  /** Points the proxy's kills at a new child: no kill decided yet. */
  arm(child: { kill(): void }): void {
    this.killChild = () => {
      child.kill();
    };
    this.decided = false;
    this.killed = false;
    this.awaitingAnswer = false;
  }

  /**
   * Resolves when no request is on its way to Help Scout any more: whatever a killed run sent
   * has landed or failed, so the next run's reconciliation sees it (an event, not a wait).
   */
  async drained(): Promise<void> {
    if (this.upstreamOpen === 0) return;
    await new Promise<void>((resolve) => this.drainedWaiters.push(resolve));
  }

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

  private kill(): void {
    this.killed = true;
    this.awaitingAnswer = false;
    this.killChild();
    for (const res of this.held.splice(0)) res.destroy();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const path = req.url ?? '/';
      const write = req.method === 'POST' && path.startsWith('/v2/conversations');
      const seen: RequestSeen = { method: req.method ?? 'GET', path, write, create: write && path.split('?')[0] === '/v2/conversations' };
      if (this.killed || this.decided) {
        if (this.awaitingAnswer) this.held.push(res);
        else {
          // The request after a handed-over answer is the kill point of `kill-after-answer`.
          this.kill();
          res.destroy();
        }
        return;
      }
      const verdict = this.onRequest(seen);
      if (verdict !== 'forward') this.decided = true;
      if (verdict === 'kill-before') {
        this.kill();
        res.destroy();
        return;
      }
      if (verdict === 'kill-in-flight') this.kill();
      if (verdict === 'kill-after-answer') this.awaitingAnswer = true;
      this.sendOn(req, chunks, seen, verdict, res);
    });
  }

  private sendOn(req: IncomingMessage, chunks: readonly Buffer[], seen: RequestSeen, verdict: Verdict, res: ServerResponse): void {
    const headers = { ...req.headers };
    delete headers.host;
    this.upstreamOpen++;
    let open = true;
    const upstreamDone = (): void => {
      if (!open) return;
      open = false;
      this.upstreamDone();
    };
    // The simulator dropped the connection (its lost-response or reset fault): so does the proxy.
    const dropped = (): void => {
      upstreamDone();
      if (verdict !== 'forward') this.kill();
      res.destroy();
    };
    // Sent on whatever happens to the child: a killed run's request may still land (DESIGN §3).
    const upstream = httpRequest(`${this.upstream}${seen.path}`, { method: req.method, headers, agent: false }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => body.push(chunk));
      answer.on('error', dropped);
      answer.on('end', () => {
        upstreamDone();
        if (verdict === 'kill-after-commit') this.kill();
        if (this.killed) {
          res.destroy();
          return;
        }
        const out = seen.write ? this.answerHeaders(seen, { ...answer.headers }) : { ...answer.headers };
        delete out.connection;
        delete out['keep-alive'];
        delete out['transfer-encoding'];
        out['content-length'] = String(Buffer.concat(body).length);
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(Buffer.concat(body));
        if (verdict !== 'kill-after-answer') return;
        this.awaitingAnswer = false;
        if (this.held.length > 0) this.kill();
      });
    });
    upstream.on('error', dropped);
    upstream.end(Buffer.concat(chunks));
  }

  private upstreamDone(): void {
    this.upstreamOpen--;
    if (this.upstreamOpen > 0) return;
    for (const resolve of this.drainedWaiters.splice(0)) resolve();
  }
}
