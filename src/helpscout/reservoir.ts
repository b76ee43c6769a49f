/**
 * A pool of rate units that callers wait on, first come first served. Taking is synchronous
 * when the units are there, so the count is exact at every instant: a level set from a
 * response header can never hand out units already taken. (Bottleneck's reservoir is taken
 * asynchronously behind a timer tick, which both raced with header updates and capped a
 * process near 400 requests/s on this machine.)
 */
export class Reservoir {
  private level: number;
  private readonly waiting: { readonly units: number; readonly resolve: () => void; readonly reject: (error: Error) => void }[] = [];
  private stopped: Error | undefined;

  constructor(level: number) {
    this.level = level;
  }

  /** Resolves once `units` have been taken; waiters are served in order (no overtaking). */
  take(units: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.waiting.length === 0 && this.level >= units) {
      this.level -= units;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ units, resolve, reject });
    });
  }

  /** Sets what is left (a new window); may be below zero, which later refills pay back. */
  set(level: number): void {
    this.level = level;
    this.serve();
  }

  add(delta: number): void {
    this.set(this.level + delta);
  }

  /** Rejects every waiter: the run is over. */
  stop(reason: Error): void {
    this.stopped = reason;
    for (const waiter of this.waiting.splice(0)) waiter.reject(reason);
  }

  private serve(): void {
    for (let head = this.waiting[0]; head !== undefined && this.level >= head.units; head = this.waiting[0]) {
      this.waiting.shift();
      this.level -= head.units;
      head.resolve();
    }
  }
}
