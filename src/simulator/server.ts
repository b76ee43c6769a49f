import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequest } from './api-request.ts';
import { CONTROL_PREFIX, handleControl, type ControlParts } from './control.ts';
import { isWrite } from './faults.ts';
import { readBody, type BodyRead } from './http-body.ts';
import type { RateLimitVerdict, RateLimiter } from './rate-limiter.ts';
import { jsonResponse, type SimResponse } from './respond.ts';
import { matchRoute, type ApiHandler, type RouteMatch } from './router.ts';
import { issueToken } from './routes/oauth-token.ts';
import { vndError } from './vnd-error.ts';

const API_PREFIX = '/v2/';
const TOKEN_PATH = '/v2/oauth2/token';
const CONTROL_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface PipelineParts extends ControlParts {
  limiter: RateLimiter;
  baseUrl: () => string;
}

const rateHeaders = (verdict: RateLimitVerdict): Record<string, string> => ({
  'X-RateLimit-Limit-Minute': String(verdict.limit),
  'X-RateLimit-Remaining-Minute': String(verdict.remaining),
});

// Kong's defaults (Help Scout's gateway is Kong): 429, 413, 401 and no-route bodies.
const RATE_LIMITED = { message: 'API rate limit exceeded' };
const TOO_LARGE = { message: 'Request size limit exceeded' };
const NO_ROUTE = { message: 'no Route matched with those values' };
const TOKEN_MISSING = { error: 'invalid_request', error_description: 'The access token is missing' };
const TOKEN_INVALID = { error: 'invalid_token', error_description: 'The access token is invalid or has expired' };

const NO_HEADERS: Readonly<Record<string, string>> = {};
const CLOSE: Readonly<Record<string, string>> = { Connection: 'close' };
/** The token endpoint is matched before the API routes: it has its own rules. */
type Target = RouteMatch | { kind: 'token' };
const TOKEN_TARGET: Target = { kind: 'token' };

/** One API request on its way through the pipeline. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  method: string;
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  route: Target;
  /** Method + route template: the counters' key. */
  endpoint: string;
}

/**
 * One request, in the order Help Scout's gateway and app see it: size limit, token endpoint,
 * bearer token, rate limit (units spent here), route, injected faults, then the handler.
 */
export class RequestPipeline {
  private readonly correlationPrefix = randomBytes(4).toString('hex');
  private correlationSequence = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly parts: PipelineParts) {}

  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    // Never crash, never hang: whatever escapes becomes a 500 (or a dropped connection).
    try {
      this.handle(request, response)?.catch(() => {
        this.fail(response);
      });
    } catch {
      this.fail(response);
    }
  };

  /** Pending latency timers die with the server instead of answering on closed sockets. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private fail(response: ServerResponse): void {
    if (!response.headersSent) this.write(response, vndError(500, 'Internal Server Error'), NO_HEADERS);
    else response.destroy();
  }

  /**
   * Synchronous unless a body must be read or a latency fault waits: GETs, most of the
   * traffic, allocate no promise (a measurable share of a request's cost in the bench).
   */
  private handle(request: IncomingMessage, response: ServerResponse): Promise<void> | undefined {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = request.method ?? 'GET';
    if (path.startsWith(CONTROL_PREFIX)) return this.control(request, response, method, path);
    const { counters } = this.parts.state;
    counters.enter();
    response.once('close', () => {
      counters.leave();
    });
    const route = path === TOKEN_PATH ? TOKEN_TARGET : matchRoute(method, path);
    const exchange: Exchange = {
      request,
      response,
      method,
      path,
      query: q === -1 ? '' : url.slice(q + 1),
      route,
      endpoint: route.kind === 'found' ? route.endpoint : `${method} ${route.kind === 'token' ? TOKEN_PATH : '(unmatched)'}`,
    };
    const read = readBody(request, this.parts.state.config.maxBodyBytes);
    if (read instanceof Promise) return read.then((r) => this.afterBody(exchange, r));
    return this.afterBody(exchange, read);
  }

  private afterBody(exchange: Exchange, read: BodyRead): Promise<void> | undefined {
    const { method, path, route } = exchange;
    const { state, limiter } = this.parts;
    if (read.kind === 'aborted') return undefined;
    if (read.kind === 'too-large') {
      // Not drained: the client is still sending; answer and let node:http hang up.
      this.answer(exchange, jsonResponse(413, TOO_LARGE), read.drained ? rateHeaders(limiter.peek()) : CLOSE);
      return undefined;
    }
    const query = new URLSearchParams(exchange.query);
    if (route.kind === 'token') {
      // Not rate limited, and it answers RFC 6749 errors rather than vnd.error.
      if (method === 'POST') this.answer(exchange, issueToken({ headers: exchange.request.headers, query, body: read.body }, state, this.parts.tokens), NO_HEADERS);
      else this.answer(exchange, vndError(405, `Request method '${method}' not supported`), { Allow: 'POST' });
      return undefined;
    }
    if (!path.startsWith(API_PREFIX)) {
      // Outside the API the gateway has no route: no auth, no rate limit.
      this.answer(exchange, jsonResponse(404, NO_ROUTE), NO_HEADERS);
      return undefined;
    }
    const headers = this.admit(exchange);
    if (headers === undefined) return undefined;
    if (route.kind === 'not-found') {
      this.answer(exchange, vndError(404, 'Not Found'), headers);
      return undefined;
    }
    if (route.kind === 'method-not-allowed') {
      this.answer(exchange, vndError(405, `Request method '${method}' not supported`), { ...headers, Allow: route.allow });
      return undefined;
    }
    const apiRequest: ApiRequest = { id: route.id, query, headers: exchange.request.headers, body: read.body, baseUrl: this.parts.baseUrl(), state };
    return this.dispatch(exchange, route.handler, apiRequest, headers);
  }

  private answer(exchange: Exchange, r: SimResponse, headers: Readonly<Record<string, string>>): void {
    this.parts.state.counters.countRequest(exchange.endpoint, r.status);
    this.write(exchange.response, r, headers);
  }

  /** The gateway's part: a valid bearer token, then the account's budget. Undefined when refused. */
  private admit(exchange: Exchange): Record<string, string> | undefined {
    const { tokens, limiter, state } = this.parts;
    const auth = tokens.use(exchange.request.headers.authorization);
    if (auth !== 'ok') {
      this.answer(exchange, jsonResponse(401, auth === 'missing' ? TOKEN_MISSING : TOKEN_INVALID), {
        ...rateHeaders(limiter.peek()),
        'WWW-Authenticate': `Bearer realm="api.helpscout.net"${auth === 'invalid' ? ', error="invalid_token"' : ''}`,
      });
      return undefined;
    }
    const units = isWrite(exchange.method) ? 2 : 1;
    const verdict = limiter.take(units);
    if (!verdict.allowed) {
      state.counters.rateLimited += 1;
      this.answer(exchange, jsonResponse(429, RATE_LIMITED), { ...rateHeaders(verdict), 'X-RateLimit-Retry-After': String(verdict.retryAfterSeconds) });
      return undefined;
    }
    state.counters.unitsSpent += units;
    return rateHeaders(verdict);
  }

  /** Runs the handler, unless an injected fault gets there first (or after, for lost responses). */
  private dispatch(exchange: Exchange, handler: ApiHandler, apiRequest: ApiRequest, headers: Record<string, string>): Promise<void> | undefined {
    const { faults } = this.parts;
    if (!faults.appliesTo(exchange.method)) {
      this.answer(exchange, handler(apiRequest), headers);
      return undefined;
    }
    const delay = faults.delayMs();
    if (delay === 0) {
      this.applyFault(exchange, handler, apiRequest, headers);
      return undefined;
    }
    this.parts.state.counters.faults.latency += 1;
    return this.sleep(delay).then(() => {
      if (!this.closed) this.applyFault(exchange, handler, apiRequest, headers);
    });
  }

  private applyFault(exchange: Exchange, handler: ApiHandler, apiRequest: ApiRequest, headers: Record<string, string>): void {
    const { counters } = this.parts.state;
    const fault = this.parts.faults.decide();
    switch (fault.kind) {
      case 'none':
        this.answer(exchange, handler(apiRequest), headers);
        return;
      case 'server-error':
        counters.faults.serverError += 1;
        this.answer(exchange, vndError(fault.status, fault.status === 500 ? 'Internal Server Error' : 'Service Unavailable'), headers);
        return;
      case 'reset':
        // Before commit: nothing is stored. A TCP RST, so the client sees ECONNRESET.
        counters.faults.reset += 1;
        counters.countRequest(exchange.endpoint, 'reset');
        exchange.request.socket.resetAndDestroy();
        return;
      case 'lost-response':
        // After commit: the write is stored, the client never hears of it.
        handler(apiRequest);
        counters.faults.lostResponse += 1;
        counters.countRequest(exchange.endpoint, 'lost');
        exchange.request.socket.destroy();
        return;
    }
  }

  /** Test plumbing, with its own body cap: a test that shrinks maxBodyBytes can still undo it. */
  private async control(request: IncomingMessage, response: ServerResponse, method: string, path: string): Promise<void> {
    const read = await readBody(request, CONTROL_MAX_BODY_BYTES);
    if (read.kind === 'aborted') return;
    this.write(response, read.kind === 'ok' ? handleControl(this.parts, method, path, read.body) : jsonResponse(413, TOO_LARGE), NO_HEADERS);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private write(response: ServerResponse, r: SimResponse, headers: Readonly<Record<string, string>>): void {
    const payload = r.body === undefined ? '' : JSON.stringify(r.body);
    // One flat [name, value, …] list: node:http takes it as is, with no per-response object copies.
    const list: string[] = ['Correlation-Id', `${this.correlationPrefix}#${++this.correlationSequence}`, 'Content-Length', String(Buffer.byteLength(payload))];
    if (r.body !== undefined) list.push('Content-Type', r.contentType ?? 'application/json');
    for (const name in headers) list.push(name, headers[name] ?? '');
    if (r.headers !== undefined) for (const name in r.headers) list.push(name, r.headers[name] ?? '');
    response.writeHead(r.status, list);
    response.end(payload);
  }
}
