import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequest } from './api-request.ts';
import { CONTROL_PREFIX, handleControl, type ControlParts } from './control.ts';
import { isWrite } from './faults.ts';
import { readBody } from './http-body.ts';
import type { RateLimitVerdict, RateLimiter } from './rate-limiter.ts';
import { jsonResponse, type SimResponse } from './respond.ts';
import { matchRoute, type ApiHandler } from './router.ts';
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

type Answer = (response: SimResponse, headers: Record<string, string>) => void;

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
    this.handle(request, response).catch(() => {
      if (!response.headersSent) this.write(response, vndError(500, 'Internal Server Error'), {});
      else response.destroy();
    });
  };

  /** Pending latency timers die with the server instead of answering on closed sockets. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = request.method ?? 'GET';
    if (path.startsWith(CONTROL_PREFIX)) {
      await this.control(request, response, method, path);
      return;
    }
    const { state, limiter } = this.parts;
    const { counters } = state;
    counters.enter();
    response.once('close', () => {
      counters.leave();
    });
    const route = matchRoute(method, path);
    const endpoint = path === TOKEN_PATH || route.kind === 'not-found' ? `${method} ${path === TOKEN_PATH ? path : '(unmatched)'}` : `${method} ${route.template}`;
    const answer: Answer = (r, headers) => {
      counters.countRequest(endpoint, r.status);
      this.write(response, r, headers);
    };

    const read = await readBody(request, state.config.maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      // Not drained: the client is still sending; answer and let node:http hang up.
      answer(jsonResponse(413, TOO_LARGE), read.drained ? rateHeaders(limiter.peek()) : { Connection: 'close' });
      return;
    }
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    if (path === TOKEN_PATH) {
      // Not rate limited, and it answers RFC 6749 errors rather than vnd.error.
      if (method === 'POST') answer(issueToken({ headers: request.headers, query, body: read.body }, state, this.parts.tokens), {});
      else answer(vndError(405, `Request method '${method}' not supported`), { Allow: 'POST' });
      return;
    }
    if (!path.startsWith(API_PREFIX)) {
      // Outside the API the gateway has no route: no auth, no rate limit.
      answer(jsonResponse(404, NO_ROUTE), {});
      return;
    }
    const headers = this.admit(request, method, answer);
    if (headers === undefined) return;
    if (route.kind === 'not-found') {
      answer(vndError(404, 'Not Found'), headers);
      return;
    }
    if (route.kind === 'method-not-allowed') {
      answer(vndError(405, `Request method '${method}' not supported`), { ...headers, Allow: route.allow });
      return;
    }
    const apiRequest: ApiRequest = { id: route.id, query, headers: request.headers, body: read.body, baseUrl: this.parts.baseUrl(), state };
    await this.dispatch(request, method, endpoint, route.handler, apiRequest, (r) => {
      answer(r, headers);
    });
  }

  /** The gateway's part: a valid bearer token, then the account's budget. Undefined when refused. */
  private admit(request: IncomingMessage, method: string, answer: Answer): Record<string, string> | undefined {
    const { tokens, limiter, state } = this.parts;
    const auth = tokens.use(request.headers.authorization);
    if (auth !== 'ok') {
      answer(jsonResponse(401, auth === 'missing' ? TOKEN_MISSING : TOKEN_INVALID), {
        ...rateHeaders(limiter.peek()),
        'WWW-Authenticate': `Bearer realm="api.helpscout.net"${auth === 'invalid' ? ', error="invalid_token"' : ''}`,
      });
      return undefined;
    }
    const units = isWrite(method) ? 2 : 1;
    const verdict = limiter.take(units);
    if (!verdict.allowed) {
      state.counters.rateLimited += 1;
      answer(jsonResponse(429, RATE_LIMITED), { ...rateHeaders(verdict), 'X-RateLimit-Retry-After': String(verdict.retryAfterSeconds) });
      return undefined;
    }
    state.counters.unitsSpent += units;
    return rateHeaders(verdict);
  }

  /** Runs the handler, unless an injected fault gets there first (or after, for lost responses). */
  private async dispatch(
    request: IncomingMessage,
    method: string,
    endpoint: string,
    handler: ApiHandler,
    apiRequest: ApiRequest,
    reply: (response: SimResponse) => void,
  ): Promise<void> {
    const { faults, state } = this.parts;
    const { counters } = state;
    if (!faults.appliesTo(method)) {
      reply(handler(apiRequest));
      return;
    }
    const delay = faults.delayMs();
    if (delay > 0) {
      counters.faults.latency += 1;
      await this.sleep(delay);
      if (this.closed) return;
    }
    const fault = faults.decide();
    switch (fault.kind) {
      case 'none':
        reply(handler(apiRequest));
        return;
      case 'server-error':
        counters.faults.serverError += 1;
        reply(vndError(fault.status, fault.status === 500 ? 'Internal Server Error' : 'Service Unavailable'));
        return;
      case 'reset':
        // Before commit: nothing is stored.
        counters.faults.reset += 1;
        counters.countRequest(endpoint, 'reset');
        request.socket.destroy();
        return;
      case 'lost-response':
        // After commit: the write is stored, the client never hears of it.
        handler(apiRequest);
        counters.faults.lostResponse += 1;
        counters.countRequest(endpoint, 'lost');
        request.socket.destroy();
        return;
    }
  }

  /** Test plumbing, with its own body cap: a test that shrinks maxBodyBytes can still undo it. */
  private async control(request: IncomingMessage, response: ServerResponse, method: string, path: string): Promise<void> {
    const read = await readBody(request, CONTROL_MAX_BODY_BYTES);
    if (read.kind === 'aborted') return;
    this.write(response, read.kind === 'ok' ? handleControl(this.parts, method, path, read.body) : jsonResponse(413, TOO_LARGE), {});
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

  private write(response: ServerResponse, r: SimResponse, headers: Record<string, string>): void {
    const payload = r.body === undefined ? '' : JSON.stringify(r.body);
    const all: Record<string, string | number> = {
      ...headers,
      ...r.headers,
      'Correlation-Id': `${this.correlationPrefix}#${++this.correlationSequence}`,
      'Content-Length': Buffer.byteLength(payload),
    };
    if (r.body !== undefined) all['Content-Type'] = r.contentType ?? 'application/json';
    response.writeHead(r.status, all);
    response.end(payload);
  }
}
