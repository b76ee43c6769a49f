import { FatalError, RetriableError, type HsImportError } from '../core/errors.ts';
import type { Credentials } from './credentials.ts';
import { jsonBody } from './json-body.ts';
import { RateLimiter, type Limiter, type RateLimiterOptions } from './rate-limiter.ts';
import { errorForResponse, type RequestContext } from './response-errors.ts';
import { TokenManager } from './token-manager.ts';
import type { HttpRequest, HttpResponse, Transport } from './transport.ts';
import type { ConversationBody, CustomerThreadBody, NoteBody, RemoteConversation, RemoteUser, ReplyBody, ThreadPage, UserPage } from './wire-types.ts';

export type GetConversationResult =
  | { readonly kind: 'found'; readonly conversation: RemoteConversation }
  | { readonly kind: 'moved'; readonly to: number }
  | { readonly kind: 'not-found' };

/** One event per request, for `--verbose` and `--log-file`: never the Authorization header. */
export interface RequestEvent {
  readonly method: string;
  readonly path: string;
  readonly status: number | 'network-error';
  readonly ms: number;
  readonly attempt: number;
  readonly correlationId?: string;
}

export interface ClientStats {
  requests: number;
  reads: number;
  writes: number;
  rateLimited: number;
  retries: number;
  tokenRefreshes: number;
}

export interface HelpScoutClientOptions {
  readonly transport: Transport;
  readonly credentials: Credentials;
  readonly rate: RateLimiterOptions;
  /** A limiter shared with other processes (DESIGN §10); this process's own `RateLimiter` when absent. */
  readonly limiter?: Limiter;
  /** Retries for reads and 429s (writes that may have landed go back to the caller). */
  readonly maxRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  readonly onRequest?: (event: RequestEvent) => void;
}

/** 401s one request accepts, each followed by a new token, before the credentials are judged unusable. */
const MAX_UNAUTHORIZED = 10;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };

/**
 * Help Scout Mailbox API v2, the endpoints an import needs. It knows nothing of plans or the
 * checkpoint. Reads are retried here; a write is retried here only when the server proves it
 * was not stored (429, 401); any other failure of a write goes back to the caller, who must
 * find out whether it landed before sending it again.
 */
export class HelpScoutClient {
  readonly limiter: Limiter;
  readonly tokens: TokenManager;
  readonly stats: ClientStats = { requests: 0, reads: 0, writes: 0, rateLimited: 0, retries: 0, tokenRefreshes: 0 };
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;

  constructor(private readonly options: HelpScoutClientOptions) {
    this.limiter = options.limiter ?? new RateLimiter(options.rate);
    this.tokens = new TokenManager(options.transport, options.credentials);
    this.maxRetries = options.maxRetries ?? 8;
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.backoffCapMs = options.backoffCapMs ?? 30_000;
  }

  async getConversation(id: number): Promise<GetConversationResult> {
    const response = await this.call({ method: 'GET', path: `/v2/conversations/${id}` }, { method: 'GET', conversationId: id, requestBytes: 0 }, [404]);
    if (response.status === 404) return { kind: 'not-found' };
    if (response.status === 301) {
      const to = conversationIdFromLocation(response.headers.location);
      if (to === undefined) throw new FatalError('bad_redirect', `conversation ${id} answered 301 without a usable Location`);
      return { kind: 'moved', to };
    }
    return { kind: 'found', conversation: JSON.parse(response.body) as RemoteConversation };
  }

  /** Thread id from `Resource-ID` (absent on old API versions). */
  async createNote(conversationId: number, body: NoteBody): Promise<{ threadId?: number }> {
    return this.createThread(conversationId, 'notes', body);
  }

  /** A message from the customer, into an existing conversation. */
  async createCustomerThread(conversationId: number, body: CustomerThreadBody): Promise<{ threadId?: number }> {
    return this.createThread(conversationId, 'customer', body);
  }

  /** An agent's reply; with `imported: true` no email goes out. */
  async createReply(conversationId: number, body: ReplyBody): Promise<{ threadId?: number }> {
    return this.createThread(conversationId, 'reply', body);
  }

  private async createThread(conversationId: number, endpoint: 'notes' | 'customer' | 'reply', body: NoteBody | CustomerThreadBody): Promise<{ threadId?: number }> {
    const json = jsonBody(body);
    const response = await this.call(
      { method: 'POST', path: `/v2/conversations/${conversationId}/${endpoint}`, headers: JSON_HEADERS, body: json },
      { method: 'POST', conversationId, requestBytes: json.length },
    );
    const threadId = Number(response.headers['resource-id']);
    return Number.isFinite(threadId) && threadId > 0 ? { threadId } : {};
  }

  /** Every user of the account, every page (invited users included): one GET per 50 users. */
  async listUsers(): Promise<RemoteUser[]> {
    const users: RemoteUser[] = [];
    for (let page = 1; ; page++) {
      const response = await this.call({ method: 'GET', path: `/v2/users?page=${page}` }, { method: 'GET', requestBytes: 0 });
      const parsed = JSON.parse(response.body) as UserPage;
      users.push(...(parsed._embedded?.users ?? []));
      if (page >= (parsed.page?.totalPages ?? 1)) return users;
    }
  }

  async createConversation(body: ConversationBody): Promise<{ conversationId: number }> {
    const json = jsonBody(body);
    const response = await this.call(
      { method: 'POST', path: '/v2/conversations', headers: JSON_HEADERS, body: json },
      { method: 'POST', requestBytes: json.length },
    );
    const id = Number(response.headers['resource-id']) || conversationIdFromLocation(response.headers.location);
    if (!id) throw new FatalError('bad_response', 'Create Conversation answered 201 without Resource-Id or Location');
    return { conversationId: id };
  }

  /** Newest first, 50 a page (Help Scout's order). */
  async listThreads(conversationId: number, page: number): Promise<ThreadPage> {
    const response = await this.call(
      { method: 'GET', path: `/v2/conversations/${conversationId}/threads?page=${page}` },
      { method: 'GET', conversationId, requestBytes: 0 },
    );
    return JSON.parse(response.body) as ThreadPage;
  }

  /** Conversations carrying a tag, whatever their status (the list shows active ones by default). */
  async findConversationsByTag(tag: string, mailboxId: number): Promise<number[]> {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ tag, mailbox: String(mailboxId), status: 'all', page: String(page) });
      const response = await this.call({ method: 'GET', path: `/v2/conversations?${query.toString()}` }, { method: 'GET', requestBytes: 0 });
      const parsed = JSON.parse(response.body) as { _embedded?: { conversations?: { id: number }[] }; page?: { totalPages?: number } };
      for (const conversation of parsed._embedded?.conversations ?? []) ids.push(conversation.id);
      if (page >= (parsed.page?.totalPages ?? 1)) return ids;
    }
  }

  async close(): Promise<void> {
    await this.limiter.stop();
    await this.options.transport.close();
  }

  /** One request through the limiter, with auth, retries and the status → error mapping. */
  private async call(request: HttpRequest, context: RequestContext, passStatuses: readonly number[] = []): Promise<HttpResponse> {
    const units = request.method === 'GET' ? 1 : 2;
    let unauthorized = 0;
    for (let attempt = 1; ; attempt++) {
      let token = '';
      const started = Date.now();
      let sentAt = started;
      // The token is taken in the limiter's slot, right before sending: one taken earlier may
      // expire while the request waits behind a 429 pause. A failing token request throws from
      // here: fatal, or retriable with nothing sent.
      let outcome: HttpResponse | HsImportError;
      try {
        // Fetched ahead (then cached): a token request inside the slot would delay the send past
        // the window the units were taken from. A failure here is the same as one in the slot.
        await this.tokens.token();
        outcome = await this.limiter.schedule(units, async () => {
          token = await this.tokens.token();
          sentAt = Date.now();
          try {
            return await this.send(request, token);
          } catch (error) {
            // Connection reset or timeout: a write may or may not have been stored.
            return new RetriableError('network', `network error: ${(error as Error).message}`, undefined, request.method !== 'GET');
          }
        });
      } catch (error) {
        if (!(error instanceof RetriableError)) throw error;
        outcome = error;
      }
      this.options.onRequest?.({
        method: request.method,
        path: request.path,
        status: outcome instanceof Error ? 'network-error' : outcome.status,
        ms: Date.now() - started,
        attempt,
        ...(outcome instanceof Error || !outcome.headers['correlation-id'] ? {} : { correlationId: outcome.headers['correlation-id'] }),
      });
      if (!(outcome instanceof Error)) {
        // Observed once this request has left the limiter's in-flight count: the server's
        // remaining already includes it.
        this.limiter.observe(numericHeader(outcome.headers, 'x-ratelimit-remaining-minute'), numericHeader(outcome.headers, 'x-ratelimit-limit-minute'), sentAt);
        if (outcome.status === 401) {
          // The token endpoint took the credentials, so a 401 can be a token that other requests
          // in flight used up or outlived: only a run of them means the app user cannot act.
          if (++unauthorized > MAX_UNAUTHORIZED) {
            throw new FatalError('auth_failed', `Help Scout answered 401 to ${MAX_UNAUTHORIZED} fresh tokens in a row: check that the app user is active and HELPSCOUT_APP_ID/HELPSCOUT_APP_SECRET are right.`);
          }
          this.tokens.invalidate(token);
          this.stats.tokenRefreshes++;
          continue;
        }
        if (passStatuses.includes(outcome.status)) return outcome;
        const error = errorForResponse(outcome, context);
        if (!error) return outcome;
        outcome = error;
      }
      if (!(outcome instanceof RetriableError) || outcome.maybeCommitted || attempt > this.maxRetries) throw outcome;
      this.stats.retries++;
      if (outcome.code === 'rate_limited') {
        this.stats.rateLimited++;
        this.limiter.pause(outcome.retryAfterMs ?? 60_000);
      } else {
        await sleep(this.backoff(attempt, outcome.retryAfterMs));
      }
    }
  }

  private async send(request: HttpRequest, token: string): Promise<HttpResponse> {
    this.stats.requests++;
    if (request.method === 'GET') this.stats.reads++;
    else this.stats.writes++;
    return this.options.transport.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
  }

  /** Exponential backoff with full jitter, capped. */
  backoff(attempt: number, serverMs?: number): number {
    const exp = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** (attempt - 1));
    return Math.max(serverMs ?? 0, Math.random() * exp);
  }
}

function numericHeader(headers: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = headers[name];
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function conversationIdFromLocation(location: string | undefined): number | undefined {
  const match = location?.match(/\/conversations\/(\d+)\/?$/);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
