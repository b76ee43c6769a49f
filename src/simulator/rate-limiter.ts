import type { Clock } from './clock.ts';
import type { RateLimitConfig } from './types.ts';

/** What an unlimited account reports: headers are still sent, with a limit nobody reaches. */
const UNLIMITED = 1_000_000;

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (ceil, ≥ 1). */
  retryAfterSeconds: number;
}

/**
 * One budget for the whole account, in fixed windows aligned to the clock (like Kong's
 * rate-limiting plugin, which Help Scout's gateway runs). A refused request spends nothing.
 */
export class RateLimiter {
  private windowIndex = -1;
  private windowMs = 0;
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private readonly config: () => RateLimitConfig | null,
  ) {}

  take(units: number): RateLimitVerdict {
    const verdict = this.peek();
    if (units > verdict.remaining) return { ...verdict, allowed: false };
    this.used += units;
    return { ...verdict, remaining: verdict.remaining - units };
  }

  peek(): RateLimitVerdict {
    const config = this.config();
    const now = this.clock.now();
    const windowMs = (config?.windowSeconds ?? 60) * 1000;
    const index = Math.floor(now / windowMs);
    if (index !== this.windowIndex || windowMs !== this.windowMs) {
      this.windowIndex = index;
      this.windowMs = windowMs;
      this.used = 0;
    }
    const limit = config?.unitsPerWindow ?? UNLIMITED;
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - this.used),
      retryAfterSeconds: Math.max(1, Math.ceil(((index + 1) * windowMs - now) / 1000)),
    };
  }
}
