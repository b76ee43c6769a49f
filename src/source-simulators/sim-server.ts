import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningFileServer } from '../simulator/files/file-server.ts';

/**
 * The base of every source simulator (Zendesk, Freshdesk, Intercom): the old help desk's API over
 * real HTTP on 127.0.0.1, with what all three share — an exact `Authorization` check, a per-window
 * request budget answered in the platform's own header style, and faults on the Nth request.
 * A platform simulator only answers paths (`handle`). It shares no code with the exporter it tests.
 *
 * Order per request: count and record it, tell the listeners, then fault, then auth (401),
 * then budget (429), then `handle`. Every request, 401s and 429s included, is counted and recorded.
 */
export interface SimRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/v2/tickets`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** 1-based count of all requests this server has seen. */
  readonly n: number;
  /** The request body as text ('' without one): Intercom searches by POST. */
  readonly body: string;
}

/** JSON answer (with extra headers), a dropped connection, or a 302. */
export type SimAnswer =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly reset: true }
  | { readonly redirect: string };

export interface RateState {
  readonly limit: number;
  /** Left in the current window after this request (0 when limited). */
  readonly remaining: number;
  /** When the current window ends (epoch ms). */
  readonly resetAtMs: number;
  readonly now: number;
  /** This answer is the 429. */
  readonly limited: boolean;
}

/** Requests per window; the window starts at the first request and restarts once it has passed. */
export interface SimBudget {
  readonly requests: number;
  readonly windowMs: number;
}

/** The Nth request fails so (event-driven, never timed). */
export type SimFaults = ReadonlyMap<number, 500 | 503 | 'reset'>;

export interface SourceSimOptions {
  /** The exact `Authorization` value required; anything else is a 401. */
  readonly authorization: string;
  readonly limit: SimBudget;
  /** The platform's rate headers (Retry-After, X-RateLimit-*…), on every answer and on the 429. */
  rateHeaders(state: RateState): Record<string, string>;
  readonly faults?: SimFaults;
}

/** What every platform simulator's options share: handed on to its `SourceSim`. */
export interface PlatformSimOptions {
  /** The account's budget; without it, the platform's documented one. */
  readonly limit?: SimBudget;
  readonly faults?: SimFaults;
}

/** What every platform simulator gives its tests: the API server, the file server its links point to, one close for both. */
export interface PlatformSim {
  readonly server: SourceSim;
  readonly files: RunningFileServer;
  close(): Promise<void>;
}

export interface RecordedSimRequest {
  readonly n: number;
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** What the server answered: a status, or `reset`. */
  status: number | 'reset' | 'held';
}

export interface SourceSim {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly RecordedSimRequest[];
  /** 429s answered so far. */
  readonly count429: number;
  onRequest(listener: (request: SimRequest) => void): void;
  /**
   * Asked at each request once it is recorded and listeners were told: true leaves it unanswered
   * until `close()` (a test kills its client there, on an event the server saw, never on a timer).
   */
  hold: (request: SimRequest) => boolean;
  close(): Promise<void>;
}

export async function startSourceSim(handle: (request: SimRequest) => SimAnswer | Promise<SimAnswer>, options: SourceSimOptions): Promise<SourceSim> {
  const requests: RecordedSimRequest[] = [];
  const listeners: ((request: SimRequest) => void)[] = [];
  let count429 = 0;
  let windowStart: number | undefined;
  let usedInWindow = 0;

  /** The budget after this request: fixed windows, as the platforms document theirs. */
  const spend = (now: number): RateState => {
    if (windowStart === undefined || now >= windowStart + options.limit.windowMs) {
      windowStart = now;
      usedInWindow = 0;
    }
    const limit = options.limit.requests;
    const limited = usedInWindow >= limit;
    if (!limited) usedInWindow++;
    return { limit, remaining: Math.max(0, limit - usedInWindow), resetAtMs: windowStart + options.limit.windowMs, now, limited };
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = requests.length + 1;
    const recorded: RecordedSimRequest = { n, method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, status: 'held' };
    requests.push(recorded);
    const request: SimRequest = { method: recorded.method, path: url.pathname, query: url.searchParams, headers: req.headers, n, body: await bodyText(req) };
    for (const listener of listeners) listener(request);
    if (sim.hold(request)) return;
    const fault = options.faults?.get(request.n);
    if (fault === 'reset') {
      recorded.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault !== undefined) {
      recorded.status = fault;
      sendJson(res, fault, { error: 'simulated failure' }, {});
      return;
    }
    if (req.headers.authorization !== options.authorization) {
      recorded.status = 401;
      sendJson(res, 401, { error: 'Couldn\'t authenticate you' }, {});
      return;
    }
    const rate = spend(Date.now());
    const rateHeaders = options.rateHeaders(rate);
    if (rate.limited) {
      count429++;
      recorded.status = 429;
      sendJson(res, 429, { error: 'APIRateLimitExceeded' }, rateHeaders);
      return;
    }
    const answer = await handle(request);
    if ('reset' in answer) {
      recorded.status = 'reset';
      req.socket.destroy();
      return;
    }
    if ('redirect' in answer) {
      recorded.status = 302;
      res.writeHead(302, { ...rateHeaders, location: answer.redirect });
      res.end();
      return;
    }
    recorded.status = answer.status;
    sendJson(res, answer.status, answer.body, { ...rateHeaders, ...answer.headers });
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      // A bug in a platform's handler is the test's failure to see, not a hung request.
      if (!res.headersSent) sendJson(res, 500, { error: `simulator handler failed: ${String(error)}` }, {});
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const sim: SourceSim = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get count429() {
      return count429;
    },
    onRequest(listener) {
      listeners.push(listener);
    },
    hold: () => false,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
  return sim;
}

async function bodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A platform simulator's API server: the test's budget and faults from `options`, else the
 * platform's documented budget (`platform.limit`).
 */
export function startPlatformServer(
  handle: (request: SimRequest) => SimAnswer | Promise<SimAnswer>,
  options: PlatformSimOptions,
  platform: Pick<SourceSimOptions, 'authorization' | 'limit' | 'rateHeaders'>,
): Promise<SourceSim> {
  return startSourceSim(handle, { ...platform, limit: options.limit ?? platform.limit, ...(options.faults === undefined ? {} : { faults: options.faults }) });
}

/** The servers of a platform simulator, closed together: its API, then its files. */
export function platformSim(server: SourceSim, files: RunningFileServer): PlatformSim {
  return {
    server,
    files,
    async close() {
      await server.close();
      await files.close();
    },
  };
}
