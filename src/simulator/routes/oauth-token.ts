import type { IncomingHttpHeaders } from 'node:http';
import { jsonResponse, type SimResponse } from '../respond.ts';
import type { SimulatorState } from '../state.ts';
import type { TokenStore } from '../token-store.ts';

export interface TokenRequest {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: Buffer;
}

/** RFC 6749 error bodies: the token endpoint does not speak vnd.error. */
const oauthError = (status: number, error: string, description: string): SimResponse =>
  jsonResponse(status, { error, error_description: description });

/** "…send data as JSON, form or query params … as long as the appropriate Content-Type header is included." */
function readParams(request: TokenRequest): Map<string, string> | undefined {
  const params = new Map(request.query);
  const contentType = request.headers['content-type'] ?? '';
  const text = request.body.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) params.set(k, v);
  } else if (contentType.includes('json') && text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') params.set(k, v);
  }
  // HTTP Basic client authentication is reported to work as well.
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic !== undefined) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':', 2);
    if (id !== undefined && secret !== undefined) {
      params.set('client_id', decodeURIComponent(id));
      params.set('client_secret', decodeURIComponent(secret));
    }
  }
  return params;
}

/** POST /v2/oauth2/token, client credentials only: `{token_type, access_token, expires_in}`. */
export function issueToken(request: TokenRequest, state: SimulatorState, tokens: TokenStore): SimResponse {
  const params = readParams(request);
  if (params === undefined) return oauthError(400, 'invalid_request', 'The request body could not be parsed');
  const grant = params.get('grant_type');
  if (grant === undefined || grant === '') return oauthError(400, 'invalid_request', 'Missing grant_type');
  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported');
  }
  const id = params.get('client_id');
  const secret = params.get('client_secret');
  const known = state.config.credentials.some((c) => c.appId === id && c.appSecret === secret);
  if (!known) return oauthError(401, 'invalid_client', 'Invalid client credentials');
  state.counters.tokensIssued += 1;
  return {
    status: 200,
    contentType: 'application/json',
    headers: { 'Cache-Control': 'no-store' },
    body: {
      token_type: 'bearer',
      access_token: tokens.issue(state.config.tokens),
      expires_in: state.config.tokens.expiresInSeconds,
    },
  };
}
