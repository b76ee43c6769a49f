import { Reservoir } from './reservoir.ts';

/** A write: the heaviest request must always fit a window, or it would wait for a refill that never holds it. */
const HEAVIEST_REQUEST_UNITS = 2;

export interface RateLimiterOptions {
  /** Units the account may spend per window (GET 1, write 2). */
  readonly units: number;
  readonly windowMs: number;
  readonly now?: () => number;
}

export interface RateLimiterStats {
  unitsSpent: number;
  pauses: number;
  pausedMs: number;
}

/**
 * What the client needs of a limiter: this process's own (`RateLimiter`, the default) or one
 * budget shared by several processes (`SharedBudgetLimiter`, DESIGN §10).
 */
export interface Limiter {
  readonly stats: RateLimiterStats;
  readonly paused: boolean;
  /** Runs `task` once `units` are available. */
  schedule<T>(units: number, task: () => Promise<T>): Promise<T>;
  /** A response's rate headers; `sentAt` is when its request left (Date.now()). */
  observe(remaining: number | undefined, limit?: number, sentAt?: number): void;
  /** A 429: nothing is sent until `ms` from now. */
  pause(ms: number): void;
  stop(): void | Promise<void>;
}

/**
 * One limiter for the whole process, steered by the server. A reservoir of units holds the
 * waiting requests; it comes down with `X-RateLimit-Remaining-Minute` (other apps spend the
 * same budget) and refills when the server's window turns over — learned from the headers
 * (remaining jumps up), from a probe, or from a 429's retry-after.
 */
export class RateLimiter implements Limiter {
  private readonly reservoir: Reservoir;
  private readonly now: () => number;
  private windowStart: number;
  private lastRemaining = Number.POSITIVE_INFINITY;
  /** The budget per window: ours, or the server's `X-RateLimit-Limit-Minute` when that is lower. */
  private units: number;
  private inFlightUnits = 0;
  /** The most units ever in flight at once: how far apart two answers of one window can be. */
  private peakInFlightUnits = HEAVIEST_REQUEST_UNITS;
  /** Units we sent in the current window: the server may say more is left than our budget allows. */
  private spentInWindow = 0;
  /** Units other apps on the account spent this window, as far as the server's counts tell. */
  private othersInWindow = 0;
  private refillTimer: NodeJS.Timeout | undefined;
  /**
   * Whether our window's start is the server's (learned from a turnover or a 429), not just
   * when we started: until then a refill could come early, mid-way through the server's window.
   */
  private aligned = false;
  /**
   * Unaligned, at our window's end or once the server says its window is spent: one request
   * asks whether the server's window turned.
   */
  private probing = false;
  private pausedUntil = 0;
  readonly stats: RateLimiterStats = { unitsSpent: 0, pauses: 0, pausedMs: 0 };

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
    this.units = Math.max(options.units, HEAVIEST_REQUEST_UNITS);
    this.reservoir = new Reservoir(this.units);
  }

  /** Runs `task` once `units` are available; the task reports the response headers back. */
  async schedule<T>(units: number, task: () => Promise<T>): Promise<T> {
    await this.reservoir.take(units);
    this.inFlightUnits += units;
    this.peakInFlightUnits = Math.max(this.peakInFlightUnits, this.inFlightUnits);
    this.spentInWindow += units;
    this.stats.unitsSpent += units;
    this.armRefill();
    try {
      return await task();
    } finally {
      this.inFlightUnits -= units;
    }
  }

  /** Headers of a response: trust the server's budget and its count of what is left in its window. */
  observe(remaining: number | undefined, limit?: number): void {
    if (limit !== undefined && Number.isFinite(limit) && limit > 0) this.units = Math.max(HEAVIEST_REQUEST_UNITS, Math.min(this.options.units, limit));
    if (remaining === undefined || !Number.isFinite(remaining)) return;
    // Answers come back out of order: one counted earlier by the server may arrive later and say
    // more is left. Within a window only the lowest count is the truth; a rise larger than what
    // can be in flight at once is the server's window turning over (after a probe, which went
    // out alone, any rise is).
    const turned = this.probing ? remaining > this.lastRemaining : remaining > this.lastRemaining + this.peakInFlightUnits;
    if (turned) {
      // Its end is now one window away, and what is in flight is counted in the new one.
      this.aligned = true;
      this.probing = false;
      this.windowStart = this.now();
      this.startWindow(remaining);
      this.armRefill(true);
      return;
    }
    this.lastRemaining = Math.min(this.lastRemaining, remaining);
    if (!this.aligned && !this.probing && this.lastRemaining < HEAVIEST_REQUEST_UNITS) {
      // The server's window is spent and we don't know when it ends: ask now (the answer, a 429
      // with its Retry-After, says when) instead of waiting out a whole window of our own.
      this.windowStart = this.now() - this.options.windowMs;
      this.armRefill(true);
    }
    if (this.probing) {
      // Still the server's old window: wait, then ask again.
      this.probing = false;
      this.reservoir.set(0);
      this.lookAgainSoon();
      return;
    }
    if (this.now() < this.pausedUntil) return;
    // What our own count says is left, less what the server says is left (beyond our requests
    // still in flight): units other apps spent. Within a window the reservoir only ever comes
    // down by them: an answer that arrives late must not raise it again.
    const others = this.units - this.spentInWindow - (this.lastRemaining - this.inFlightUnits);
    if (others > this.othersInWindow) {
      this.reservoir.add(this.othersInWindow - others);
      this.othersInWindow = others;
    }
  }

  /** A new window, ours or the server's: `left` units to spend, less what is still in flight. */
  private startWindow(left: number): void {
    this.lastRemaining = left;
    this.spentInWindow = this.inFlightUnits;
    this.othersInWindow = 0;
    this.reservoir.set(Math.max(0, Math.min(left, this.units) - this.inFlightUnits));
  }

  /** The window's end is not known yet: check again in a tenth of a window. */
  private lookAgainSoon(): void {
    this.windowStart = this.now() + this.options.windowMs / 10 - this.options.windowMs;
    this.armRefill(true);
  }

  /** A 429: nothing is sent by anyone in this process until the server's window turns over. */
  pause(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.stats.pauses++;
    this.stats.pausedMs += until - Math.max(this.now(), this.pausedUntil);
    this.pausedUntil = until;
    // Retry-After counts to the server's window end: now we know where its windows start.
    this.aligned = true;
    this.probing = false;
    this.windowStart = until - this.options.windowMs;
    this.lastRemaining = 0;
    this.reservoir.set(0);
    this.armRefill(true);
  }

  get paused(): boolean {
    return this.now() < this.pausedUntil;
  }

  stop(): void {
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    this.reservoir.stop(new Error('the rate limiter was stopped'));
  }

  /** Refill at the end of the server's window as we know it (or when a 429 pause ends). */
  private armRefill(replace = false): void {
    if (this.refillTimer && !replace) return;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    const at = Math.max(this.pausedUntil, this.windowStart + this.options.windowMs);
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.windowStart = Math.max(this.now(), at);
      if (this.aligned) {
        this.startWindow(this.units);
      } else if (this.inFlightUnits === 0) {
        // One request alone asks whether the server's window turned: a rise in what is left says
        // so; a 429 (only if the server said it was spent) says when it will, and is the one
        // 429 a run takes, in its first window.
        this.probing = true;
        this.reservoir.set(HEAVIEST_REQUEST_UNITS);
      } else {
        // Answers still to come will tell.
        this.lookAgainSoon();
      }
    }, Math.max(0, at - this.now()) + 20);
    // Not unref'd: while requests wait for the refill it is the only thing keeping the process
    // alive. `stop()` clears it when the run ends.
  }
}
