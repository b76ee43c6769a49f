/** A handler's answer, written by the server; handlers never touch the socket themselves. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON with `contentType`; absent means an empty body. */
  body?: unknown;
  contentType?: string;
}

export function jsonResponse(status: number, body: unknown, contentType = 'application/json'): SimResponse {
  return { status, body, contentType };
}

/** Help Scout answers its resources as HAL. */
export function halResponse(body: unknown): SimResponse {
  return jsonResponse(200, body, 'application/hal+json');
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers };
}
