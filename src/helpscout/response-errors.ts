import {
  ApiRejectedError,
  ConversationMovedError,
  FatalError,
  PreconditionError,
  RequestTooLargeError,
  RetriableError,
  type HsImportError,
} from '../core/errors.ts';
import { parseJsonObject } from './json-object.ts';
import type { HttpResponse } from './transport.ts';

export interface RequestContext {
  readonly method: 'GET' | 'POST';
  /** The conversation the request is about, when it is about one. */
  readonly conversationId?: number;
  readonly requestBytes: number;
}

interface VndError {
  message?: string;
  _embedded?: { errors?: { path?: string; message?: string; rejectedValue?: unknown }[] };
}

/** `X-RateLimit-Retry-After` (Help Scout), else `Retry-After`, in ms. */
export function retryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  const raw = headers['x-ratelimit-retry-after'] ?? headers['retry-after'];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The one place a status becomes a reaction (tested as a table). Returns undefined for success.
 * 401 is left to the caller, which refreshes the token once before it becomes fatal.
 */
export function errorForResponse(response: HttpResponse, context: RequestContext): HsImportError | undefined {
  const { status } = response;
  if (status < 300 || status === 301 || status === 401) return undefined;
  const details: VndError | undefined = parseJsonObject(response.body);
  const message = describe(status, details);
  const write = context.method !== 'GET';
  if (status === 429) return new RetriableError('rate_limited', 'rate limited (429)', retryAfterMs(response.headers) ?? 60_000);
  if (status >= 500) {
    // A gateway error may come after the write was stored: the caller must check before resending.
    return new RetriableError(`http_${status}`, message, retryAfterMs(response.headers), write);
  }
  if (status === 404 && write && context.conversationId !== undefined) return new ConversationMovedError(context.conversationId);
  if (status === 412) return new PreconditionError(context.conversationId, message);
  if (status === 413) return new RequestTooLargeError(context.requestBytes);
  if (status === 403) return new FatalError('forbidden', `Help Scout refused access (403): ${message}. Check the app's user permissions and that the API is enabled on the account.`);
  if (status === 408) return new RetriableError('http_408', message, undefined, write);
  if (status >= 400) return new ApiRejectedError(status, message, details?._embedded?.errors ?? []);
  return new FatalError('unexpected_status', `unexpected HTTP ${status} from Help Scout`);
}

function describe(status: number, error: VndError | undefined): string {
  const fields = (error?._embedded?.errors ?? []).map((e) => `${e.path ?? '?'}: ${e.message ?? ''}`).join('; ');
  const head = `HTTP ${status}${error?.message ? ` ${error.message}` : ''}`;
  return fields ? `${head} (${fields})` : head;
}
