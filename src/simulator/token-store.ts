import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { TokenConfig } from './types.ts';

interface IssuedToken {
  expiresAtMs: number;
  usesLeft: number | null;
}

export type TokenCheck = 'ok' | 'missing' | 'invalid';

/** Access tokens the OAuth endpoint issued; they expire by time or by number of uses. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly clock: Clock) {}

  issue(config: TokenConfig): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, {
      expiresAtMs: this.clock.now() + config.expiresInSeconds * 1000,
      usesLeft: config.expireAfterRequests,
    });
    return token;
  }

  /** Checks an `Authorization` header and spends one use of the token. */
  use(authorization: string | undefined): TokenCheck {
    if (authorization === undefined || authorization === '') return 'missing';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = match?.[1];
    if (token === undefined) return 'invalid';
    const issued = this.tokens.get(token);
    if (issued === undefined) return 'invalid';
    if (this.clock.now() >= issued.expiresAtMs || issued.usesLeft === 0) {
      this.tokens.delete(token);
      return 'invalid';
    }
    if (issued.usesLeft !== null) issued.usesLeft -= 1;
    return 'ok';
  }

  /** Every issued token stops working (e.g. the app secret was rotated). */
  revokeAll(): void {
    this.tokens.clear();
  }
}
