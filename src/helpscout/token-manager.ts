import { FatalError, RetriableError } from '../core/errors.ts';
import type { Credentials } from './credentials.ts';
import { parseJsonObject } from './json-object.ts';
import type { Transport } from './transport.ts';

/**
 * OAuth2 client credentials. There is no refresh token: "refresh" means asking again. The
 * token is renewed shortly before `expires_in` runs out and once after a 401; all requests
 * waiting on a renewal share it.
 */
export class TokenManager {
  #token: string | undefined;
  #expiresAt = 0;
  #pending: Promise<string> | undefined;
  issued = 0;

  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.#token !== undefined && this.now() < this.#expiresAt) return this.#token;
    this.#pending ??= this.fetchToken().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** A request answered 401 with this token: forget it unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.#token === token) this.#token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.appId,
      client_secret: this.credentials.secret,
    }).toString();
    let response;
    try {
      response = await this.transport.send({
        method: 'POST',
        path: '/v2/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
      });
    } catch (error) {
      throw new RetriableError('network', `token request failed: ${(error as Error).message}`);
    }
    if (response.status === 401 || response.status === 400) {
      throw new FatalError(
        'auth_failed',
        `Help Scout refused the app credentials (HTTP ${response.status}). Check HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET (an app from Your Profile > My Apps).`,
      );
    }
    if (response.status !== 200) throw new RetriableError(`http_${response.status}`, `token request answered HTTP ${response.status}`);
    const parsed: { access_token?: unknown; expires_in?: unknown } | undefined = parseJsonObject(response.body);
    if (typeof parsed?.access_token !== 'string') throw new FatalError('auth_failed', 'the token endpoint answered 200 without an access_token: is target.baseUrl really Help Scout?');
    const lifetimeMs = (typeof parsed.expires_in === 'number' ? parsed.expires_in : 7200) * 1000;
    // Renew before expiry: a tenth of the lifetime early, at most a minute.
    this.#expiresAt = this.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10);
    this.#token = parsed.access_token;
    this.issued++;
    return parsed.access_token;
  }
}
