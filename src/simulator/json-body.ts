import type { ApiRequest } from './api-request.ts';
import type { SimResponse } from './respond.ts';
import { vndError } from './vnd-error.ts';

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; response: SimResponse };

/** JSON endpoints refuse other media types (415) and unparsable bodies (400, as recorded in 2019). */
export function readJsonBody(request: ApiRequest): JsonBody {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    const shown = contentType === '' ? 'none' : `'${contentType}'`;
    return { ok: false, response: vndError(415, `Content type ${shown} not supported`) };
  }
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
  } catch {
    // Falls through to the same answer as a body that is JSON but not an object.
  }
  return { ok: false, response: vndError(400, 'Error parsing request body into JSON', [], 'invalid-json') };
}
