import { Agent, request } from 'undici';
import { FatalError } from '../core/errors.ts';
import type { PlatformExport, SourceHttp, SourceResponse } from './platform.ts';

/** What the client saw of the source's budget: for the progress bar and `export.md`. */
export interface SourceBudget {
  /** Requests left in the current window, as the source last said (minus what is in flight); undefined before it says. */
  readonly remaining: number | undefined;
  /** Requests sent to the source's origin, API calls and attachment downloads alike. */
  readonly requests: number;
  /** Pauses for a spent window or a 429, and their total length. */
  readonly waits: number;
  readonly waitedMs: number;
  readonly count429: number;
  /** Tries again after a 5xx, a reset or a timeout. */
  readonly retries: number;
}

export interface SourceHttpOptions {
  /** Tries per request for 5xx, resets and timeouts (429s are waited out, not counted here). */
  readonly attempts?: number;
  /** First backoff; doubled per try, with jitter. */
  readonly backoffMs?: number;
  /** Headers and idle-body timeout per request. */
  readonly timeoutMs?: number;
  /** 429s in a row for one request before it gives up (each one waited out). */
  readonly max429?: number;
}

export interface SourceClient extends SourceHttp {
  readonly budget: SourceBudget;
  /**
   * For attachment downloads: a link on the API's own origin waits for the same budget and counts
   * as one request of it; any other link passes at once.
   */
  pace(url: URL): Promise<void>;
  close(): Promise<void>;
}

type Platform = Pick<PlatformExport, 'baseUrl' | 'authorization' | 'rateHeaders' | 'headers'>;

/**
 * What a platform's window is when its headers never say when it resets: Freshdesk sends
 * `X-RateLimit-Total` / `X-RateLimit-Remaining` on every answer and `Retry-After` only on the 429,
 * for a per-minute budget (https://developers.freshdesk.com/api/#ratelimit,
 * https://support.freshdesk.com/support/solutions/articles/225439-what-are-the-rate-limits-for-the-api-calls-to-freshdesk).
 */
const DEFAULT_WINDOW_MS = 60_000;
const RETRIABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The source API as `SourceHttp`, over undici. Paces itself by the platform's own rate headers:
 * when the window is spent it waits for the reset instead of sending into a 429; a 429 is waited
 * out (Retry-After / reset) and the request sent again, so a 429 never follows a 429 in the same
 * window. 5xx, resets and timeouts are retried with backoff and jitter, a bounded number of times;
 * then an error naming the path (never the credential). Absolute links to another origin are refused:
 * the credential goes to the API's origin only.
 */
export function sourceHttp(platform: Platform, options: SourceHttpOptions = {}): SourceClient {
  return new PacedSourceHttp(platform, options);
}

class PacedSourceHttp implements SourceClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly max429: number;
  private remaining: number | undefined;
  /** When the current window ends, if known (epoch ms). */
  private resetAt: number | undefined;
  /** When a window we saw began: with no reset header, the window is assumed to end `windowMs` later. */
  private windowSeenAt = Date.now();
  private inFlight = 0;
  /**
   * The window's budget is unknown (before the first answer, after a pause): one request goes
   * and the others wait for its answer, rather than all going into a window that may be spent.
   */
  private probing = true;
  /** Requests waiting for the answer of the one probing. */
  private waiting: (() => void)[] = [];
  /** One pause for everyone: requests that find the window spent wait on the same reset. */
  private pause: Promise<void> | undefined;
  private stats = { requests: 0, waits: 0, waitedMs: 0, count429: 0, retries: 0 };

  constructor(
    private readonly platform: Platform,
    options: SourceHttpOptions,
  ) {
    this.base = new URL(platform.baseUrl.replace(/\/+$/, '') + '/');
    const timeout = options.timeoutMs ?? 30_000;
    this.agent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout });
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 500;
    this.max429 = options.max429 ?? 10;
  }

  get budget(): SourceBudget {
    return { remaining: this.remaining, ...this.stats };
  }

  async pace(url: URL): Promise<void> {
    if (url.origin !== this.base.origin) return;
    await this.take();
    // A download's answer carries no budget we read; it stays counted until the API says otherwise.
    this.answered();
  }

  get(pathOrUrl: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<SourceResponse> {
    return this.call('GET', this.resolve(pathOrUrl, query), undefined);
  }

  post(pathOrUrl: string, body: unknown): Promise<SourceResponse> {
    return this.call('POST', this.resolve(pathOrUrl, undefined), JSON.stringify(body));
  }

  private async call(method: 'GET' | 'POST', url: URL, body: string | undefined): Promise<SourceResponse> {
    const where = `${method} ${url.pathname}`;
    let tries = 0;
    let limited = 0;
    for (;;) {
      await this.take();
      let response: SourceResponse;
      try {
        response = await this.send(method, url, body);
      } catch (error) {
        const code = networkCode(error);
        if (code === undefined) throw error;
        if (++tries >= this.attempts) throw new FatalError('source_unreachable', `${where}: ${code} after ${tries} tries`);
        this.stats.retries++;
        await backoff(this.backoffMs, tries);
        continue;
      } finally {
        // Waiters resume after this call's synchronous rest: `observe` has read the budget by then.
        this.answered();
      }
      this.observe(response.headers);
      if (response.status === 429) {
        this.stats.count429++;
        if (++limited > this.max429) throw new FatalError('source_rate_limited', `${where}: still 429 after ${this.max429} waits`);
        const now = Date.now();
        this.remaining = 0;
        this.resetAt = now + (this.platform.rateHeaders.resetInMs(response.headers, now) ?? this.backoffMs * 2 ** limited);
        continue;
      }
      if (response.status >= 500) {
        if (++tries >= this.attempts) throw new FatalError('source_unavailable', `${where}: HTTP ${response.status} after ${tries} tries`);
        this.stats.retries++;
        await backoff(this.backoffMs, tries);
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new FatalError('source_auth', `${where}: HTTP ${response.status}: the source refused the credential (check the environment variables)`);
      }
      return response;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** A path on the base URL, or an absolute link the API gave (same origin only: the credential goes with it). */
  private resolve(pathOrUrl: string, query: Readonly<Record<string, string | number | undefined>> | undefined): URL {
    let url: URL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      if (url.origin !== this.base.origin) throw new FatalError('source_foreign_link', `refused a link to ${url.origin}: the source API is ${this.base.origin}`);
    } else {
      url = new URL(pathOrUrl.replace(/^\/+/, ''), this.base);
    }
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** Waits while the window is spent (or its budget unknown and a request asking), then counts one request as in flight. */
  private async take(): Promise<void> {
    for (;;) {
      if (this.pause !== undefined) {
        await this.pause;
        continue;
      }
      if (this.probing && this.inFlight > 0) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      if (this.remaining === undefined || this.remaining > 0) break;
      const now = Date.now();
      const until = this.resetAt ?? this.windowSeenAt + (this.platform.rateHeaders.windowMs ?? DEFAULT_WINDOW_MS);
      if (until <= now) {
        this.newWindow();
        continue;
      }
      this.pause = this.waitFor(until - now).finally(() => {
        this.pause = undefined;
        this.newWindow();
        this.windowSeenAt = Date.now();
      });
    }
    if (this.remaining !== undefined) this.remaining--;
    this.inFlight++;
    this.stats.requests++;
  }

  /** A new window: its budget unknown until the source answers, so one request goes first. */
  private newWindow(): void {
    this.resetAt = undefined;
    this.remaining = undefined;
    this.probing = true;
  }

  private answered(): void {
    this.inFlight--;
    for (const resume of this.waiting.splice(0)) resume();
  }

  private async waitFor(ms: number): Promise<void> {
    this.stats.waits++;
    this.stats.waitedMs += ms;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The source's word on its budget is the truth; what is still in flight is not in it yet. */
  private observe(headers: SourceResponse['headers']): void {
    this.probing = false;
    const said = this.platform.rateHeaders.remaining(headers);
    if (said === undefined) return;
    if (this.remaining === undefined || said > this.remaining + this.inFlight) this.windowSeenAt = Date.now();
    this.remaining = Math.max(0, said - this.inFlight);
    const now = Date.now();
    const reset = this.platform.rateHeaders.resetInMs(headers, now);
    if (reset !== undefined) this.resetAt = now + reset;
  }

  private async send(method: 'GET' | 'POST', url: URL, body: string | undefined): Promise<SourceResponse> {
    const sent: Record<string, string> = { ...this.platform.headers, authorization: this.platform.authorization, accept: 'application/json', 'user-agent': 'hs-import' };
    if (body !== undefined) sent['content-type'] = 'application/json';
    const response = await request(url, { method, headers: sent, body: body ?? null, dispatcher: this.agent });
    const text = await response.body.text();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    return { status: response.statusCode, headers, body: parseBody(text) };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A network failure worth another try, as a short code; undefined for anything else (a bug, rethrown). */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && RETRIABLE_CODES.has(code)) return code;
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'ERR_STREAM_PREMATURE_CLOSE' || e.name === 'AbortError') return 'connection closed mid-answer';
  }
  return undefined;
}

async function backoff(baseMs: number, attempt: number): Promise<void> {
  const ms = baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
