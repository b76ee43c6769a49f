import Bottleneck from 'bottleneck';

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
 * One limiter for the whole process, steered by the server. Bottleneck holds the queue and
 * the reservoir of units; the reservoir follows `X-RateLimit-Remaining-Minute` (other apps
 * spend the same budget) and refills when the server's window turns over — learned from the
 * headers (remaining jumps up) or from a 429's retry-after — so no timer of ours drifts from it.
 */
export class RateLimiter {
  private readonly bottleneck: Bottleneck;
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
  private pausedUntil = 0;
  readonly stats: RateLimiterStats = { unitsSpent: 0, pauses: 0, pausedMs: 0 };

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
    this.units = Math.max(options.units, HEAVIEST_REQUEST_UNITS);
    this.bottleneck = new Bottleneck({ reservoir: this.units });
    // Counted when Bottleneck takes the units from its reservoir, not when the task starts a
    // timer tick later: a reservoir set from a response in between would hand them out twice.
    this.bottleneck.on('scheduled', (info) => {
      const units = info.options.weight ?? 1;
      this.inFlightUnits += units;
      this.peakInFlightUnits = Math.max(this.peakInFlightUnits, this.inFlightUnits);
      this.spentInWindow += units;
      this.stats.unitsSpent += units;
      this.armRefill();
    });
  }

  /** Runs `task` once `units` are available; the task reports the response headers back. */
  async schedule<T>(units: number, task: () => Promise<T>): Promise<T> {
    return this.bottleneck.schedule({ weight: units }, async () => {
      try {
        return await task();
      } finally {
        this.inFlightUnits -= units;
      }
    });
  }

  /** Headers of a response: trust the server's budget and its count of what is left in its window. */
  observe(remaining: number | undefined, limit?: number): void {
    if (limit !== undefined && Number.isFinite(limit) && limit > 0) this.units = Math.max(HEAVIEST_REQUEST_UNITS, Math.min(this.options.units, limit));
    if (remaining === undefined || !Number.isFinite(remaining)) return;
    // Answers come back out of order: one counted earlier by the server may arrive later and say
    // more is left. Within a window only the lowest count is the truth; a rise larger than what
    // can be in flight at once is the server's window turning over.
    if (remaining > this.lastRemaining + this.peakInFlightUnits) {
      // Its end is now one window away, and what is in flight is counted in the new one.
      this.windowStart = this.now();
      this.lastRemaining = remaining;
      this.startWindow(remaining);
      this.armRefill(true);
      return;
    }
    this.lastRemaining = Math.min(this.lastRemaining, remaining);
    if (this.now() < this.pausedUntil) return;
    // What our own count says is left, less what the server says is left (beyond our requests
    // still in flight): units other apps spent. The reservoir only ever comes down by them within
    // a window; setting it outright could hand out again units Bottleneck has just taken.
    const others = this.units - this.spentInWindow - (this.lastRemaining - this.inFlightUnits);
    if (others > this.othersInWindow) {
      void this.bottleneck.incrementReservoir(this.othersInWindow - others);
      this.othersInWindow = others;
    }
  }

  /** A new window, ours or the server's: `left` units to spend, less what is still in flight. */
  private startWindow(left: number): void {
    this.spentInWindow = this.inFlightUnits;
    this.othersInWindow = 0;
    this.setReservoir(Math.max(0, Math.min(left, this.units) - this.inFlightUnits));
  }

  /** A 429: nothing is sent by anyone in this process until the server's window turns over. */
  pause(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.stats.pauses++;
    this.stats.pausedMs += until - Math.max(this.now(), this.pausedUntil);
    this.pausedUntil = until;
    this.windowStart = until - this.options.windowMs;
    this.lastRemaining = 0;
    this.setReservoir(0);
    this.armRefill(true);
  }

  get paused(): boolean {
    return this.now() < this.pausedUntil;
  }

  async stop(): Promise<void> {
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    await this.bottleneck.stop({ dropWaitingJobs: true });
  }

  private setReservoir(value: number): void {
    this.bottleneck.updateSettings({ reservoir: value });
  }

  /** Refill at the end of the server's window as we know it (or when a 429 pause ends). */
  private armRefill(replace = false): void {
    if (this.refillTimer && !replace) return;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    const at = Math.max(this.pausedUntil, this.windowStart + this.options.windowMs);
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.windowStart = Math.max(this.now(), at);
      this.lastRemaining = this.units;
      this.startWindow(this.units);
    }, Math.max(0, at - this.now()) + 20);
    // Not unref'd: while requests wait for the refill it is the only thing keeping the process
    // alive. `stop()` clears it when the run ends.
  }
}
