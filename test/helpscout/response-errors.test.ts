import { describe, expect, it } from 'vitest';
import { errorForResponse } from '../../src/helpscout/response-errors.ts';

const vnd = JSON.stringify({
  logRef: 'abc',
  message: 'Validation error',
  _embedded: { errors: [{ path: 'createdAt', message: 'must be in the past', rejectedValue: '2099-01-01T00:00:00Z', source: 'JSON' }] },
});

interface Row {
  readonly status: number;
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** undefined: the response is a success (or left to the caller). */
  readonly expected: { readonly name: string; readonly code: string; readonly retryAfterMs?: number; readonly maybeCommitted?: boolean } | undefined;
}

const table: Row[] = [
  { status: 200, method: 'GET', expected: undefined },
  { status: 201, method: 'POST', expected: undefined },
  { status: 301, method: 'GET', expected: undefined },
  { status: 401, method: 'POST', expected: undefined },
  { status: 429, method: 'POST', headers: { 'x-ratelimit-retry-after': '17' }, expected: { name: 'RetriableError', code: 'rate_limited', retryAfterMs: 17_000, maybeCommitted: false } },
  { status: 429, method: 'GET', expected: { name: 'RetriableError', code: 'rate_limited', retryAfterMs: 60_000 } },
  { status: 500, method: 'GET', expected: { name: 'RetriableError', code: 'http_500', maybeCommitted: false } },
  { status: 503, method: 'POST', headers: { 'retry-after': '2' }, expected: { name: 'RetriableError', code: 'http_503', retryAfterMs: 2_000, maybeCommitted: true } },
  { status: 408, method: 'POST', expected: { name: 'RetriableError', code: 'http_408', maybeCommitted: true } },
  { status: 404, method: 'POST', expected: { name: 'ConversationMovedError', code: 'conversation_moved' } },
  { status: 412, method: 'POST', expected: { name: 'PreconditionError', code: 'precondition_failed' } },
  { status: 413, method: 'POST', expected: { name: 'RequestTooLargeError', code: 'request_too_large' } },
  { status: 403, method: 'GET', expected: { name: 'FatalError', code: 'forbidden' } },
  { status: 400, method: 'POST', body: vnd, expected: { name: 'ApiRejectedError', code: 'api_rejected' } },
  { status: 422, method: 'POST', expected: { name: 'ApiRejectedError', code: 'api_rejected' } },
  { status: 302, method: 'GET', expected: { name: 'FatalError', code: 'unexpected_status' } },
];

describe('errorForResponse: one status, one reaction', () => {
  it.each(table)('$method $status → $expected.name', ({ status, method, headers, body, expected }) => {
    const error = errorForResponse({ status, headers: headers ?? {}, body: body ?? '' }, { method, conversationId: 7, requestBytes: 1234 });
    if (expected === undefined) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error?.constructor.name).toBe(expected.name);
    expect(error?.code).toBe(expected.code);
    for (const key of ['retryAfterMs', 'maybeCommitted'] as const) {
      if (expected[key] !== undefined) expect((error as unknown as Record<string, unknown>)[key]).toBe(expected[key]);
    }
  });

  it('carries the vnd.error path and message of a 400 into its message', () => {
    const error = errorForResponse({ status: 400, headers: {}, body: vnd }, { method: 'POST', conversationId: 7, requestBytes: 10 });
    expect(error?.message).toContain('createdAt: must be in the past');
    expect(error?.message).toContain('Validation error');
  });

  it('tells the size of a request refused with 413', () => {
    const error = errorForResponse({ status: 413, headers: {}, body: '' }, { method: 'POST', requestBytes: 123_456 });
    expect(error?.message).toContain('123456');
  });
});
