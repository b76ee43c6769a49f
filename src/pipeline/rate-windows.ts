import { renameSync, writeFileSync } from 'node:fs';

/**
 * What a run spent per rate window of the server's clock, recorded while it goes (issue 20).
 * Help Scout (and the simulator) count units per clock window: a request belongs to window
 * `floor(t / windowMs)`. A rate over the run's whole span says nothing about the budget (190
 * and 50 units in two windows read as "236 units/min of a 200 budget"); each window against
 * the budget does.
 */
export interface RateWindowPoint {
  /** Start of the first window it covers, ms since the epoch (a multiple of the window). */
  readonly start: number;
  /** Windows it covers: 1, or more once a long run's series was full and neighbours merged. */
  readonly windows: number;
  /** Rate units the server counted (a 429 is not counted: it was refused). */
  readonly units: number;
  /** Units of its busiest window. */
  readonly maxUnits: number;
  readonly requests: number;
  readonly rateLimited: number;
  /** Notes done in it. */
  readonly notes: number;
}

/** Every window's units against the budget, exact whatever the merging of points. */
export interface RateWindowUse {
  /** Windows from the first request's to the last's. */
  readonly windows: number;
  /** Windows the run spanned wholly (all but its first and its last). */
  readonly fullWindows: number;
  readonly fullUnits: number;
  /** Full windows that used at least 99 % of the budget. */
  readonly fullAtBudget: number;
  /** Units of the busiest window, full or not. */
  readonly busiest: number;
  /** Windows whose units passed the budget. */
  readonly overBudget: number;
  readonly units: number;
  readonly requests: number;
  readonly rateLimited: number;
}

export interface RateWindows {
  readonly windowMs: number;
  /** Units per window the run was allowed. */
  readonly budget: number;
  /** Windows per point (a power of two). */
  readonly pointWindows: number;
  readonly points: readonly RateWindowPoint[];
  readonly use: RateWindowUse;
}

/** 720 points: a 12-hour run one window a point; a 40-hour run four windows a point (about 60 KB of JSON). */
export const MAX_RATE_POINTS = 720;

/** Windows between two writes of the file while the run goes. */
const WRITE_EVERY = 5;

interface Counts {
  units: number;
  requests: number;
  rateLimited: number;
  notes: number;
}

const zero = (): Counts => ({ units: 0, requests: 0, rateLimited: 0, notes: 0 });

export interface RateWindowRecorderOptions {
  readonly windowMs: number;
  readonly budget: number;
  /** Where the series is kept (rewritten as each window closes, and at the end). */
  readonly path?: string;
  readonly maxPoints?: number;
  readonly now?: () => number;
}

/** Fed by the client's request events and the delivery's notes-done count; bounded in size. */
export class RateWindowRecorder {
  private readonly windowMs: number;
  private readonly budget: number;
  private readonly maxPoints: number;
  private readonly now: () => number;
  private first: number | undefined;
  private current = 0;
  private open: Counts = zero();
  private readonly points: RateWindowPoint[] = [];
  private pointWindows = 1;
  private notesSeen = 0;
  /** The window current when the file was last written. */
  private written = Number.NEGATIVE_INFINITY;
  private use = { windows: 0, fullWindows: 0, fullUnits: 0, fullAtBudget: 0, busiest: 0, overBudget: 0, units: 0, requests: 0, rateLimited: 0 };

  constructor(private readonly options: RateWindowRecorderOptions) {
    this.windowMs = Math.max(1, options.windowMs);
    this.budget = options.budget;
    this.maxPoints = Math.max(2, options.maxPoints ?? MAX_RATE_POINTS);
    this.now = options.now ?? Date.now;
  }

  /** One answered (or failed) request: a GET costs 1 unit, a write 2; a 429 costs nothing. */
  request(event: { readonly method: string; readonly status: number | 'network-error' }): void {
    this.roll();
    this.open.requests++;
    if (event.status === 429) this.open.rateLimited++;
    else this.open.units += event.method === 'GET' ? 1 : 2;
  }

  /** The run's notes-done count so far: what it grew by since the last call lands in this window. */
  notesDone(total: number): void {
    if (total <= this.notesSeen) return;
    if (this.first !== undefined) {
      this.roll();
      this.open.notes += total - this.notesSeen;
    }
    this.notesSeen = total;
  }

  /** The series so far, the open window included as the last (partial) one. */
  snapshot(): RateWindows {
    if (this.first === undefined) return { windowMs: this.windowMs, budget: this.budget, pointWindows: 1, points: [], use: { ...this.use } };
    this.roll();
    const points = [...this.points];
    const last = this.pointFor(this.current, this.open, points);
    const o = this.open;
    return {
      windowMs: this.windowMs,
      budget: this.budget,
      pointWindows: this.pointWindows,
      points: last,
      use: {
        ...this.use,
        windows: this.use.windows + 1,
        busiest: Math.max(this.use.busiest, o.units),
        overBudget: this.use.overBudget + (o.units > this.budget ? 1 : 0),
        units: this.use.units + o.units,
        requests: this.use.requests + o.requests,
        rateLimited: this.use.rateLimited + o.rateLimited,
      },
    };
  }

  /** Writes the series beside the checkpoint (atomically) and returns it. */
  flush(): RateWindows {
    const series = this.snapshot();
    this.written = this.current;
    const path = this.options.path;
    if (path !== undefined) {
      try {
        writeFileSync(`${path}.tmp`, JSON.stringify(series) + '\n');
        renameSync(`${path}.tmp`, path);
      } catch {
        // A report aid: a full disk stops the checkpoint's writes, not this one's.
      }
    }
    return series;
  }

  /** Closes every window before the clock's current one. */
  private roll(): void {
    const index = Math.floor(this.now() / this.windowMs);
    if (this.first === undefined) {
      this.first = index;
      this.current = index;
      return;
    }
    if (index <= this.current) return;
    while (this.current < index) {
      this.close(this.current, this.open);
      this.open = zero();
      this.current++;
    }
    // Kept on disk every few windows (and at the end): a crash loses minutes of the series, never the run's.
    if (index - this.written >= WRITE_EVERY) this.flush();
  }

  private close(index: number, counts: Counts): void {
    const u = this.use;
    u.windows++;
    u.units += counts.units;
    u.requests += counts.requests;
    u.rateLimited += counts.rateLimited;
    u.busiest = Math.max(u.busiest, counts.units);
    if (counts.units > this.budget) u.overBudget++;
    if (index !== this.first) {
      u.fullWindows++;
      u.fullUnits += counts.units;
      if (counts.units >= 0.99 * this.budget) u.fullAtBudget++;
    }
    const merged = this.pointFor(index, counts, this.points);
    this.points.length = 0;
    this.points.push(...merged);
    if (this.points.length > this.maxPoints) {
      // Full: neighbours merge, each point now covers twice the windows.
      this.pointWindows *= 2;
      const halved: RateWindowPoint[] = [];
      for (let i = 0; i < this.points.length; i += 2) {
        const a = this.points[i];
        const b = this.points[i + 1];
        if (a !== undefined) halved.push(b === undefined ? a : mergePoints(a, b));
      }
      this.points.length = 0;
      this.points.push(...halved);
    }
  }

  /** `points` with window `index` added: into the last point when it falls in its span, else as a new one. */
  private pointFor(index: number, counts: Counts, points: readonly RateWindowPoint[]): RateWindowPoint[] {
    const first = this.first ?? index;
    const span = this.pointWindows * this.windowMs;
    const start = (first + Math.floor((index - first) / this.pointWindows) * this.pointWindows) * this.windowMs;
    const window: RateWindowPoint = { start: index * this.windowMs, windows: 1, units: counts.units, maxUnits: counts.units, requests: counts.requests, rateLimited: counts.rateLimited, notes: counts.notes };
    const last = points[points.length - 1];
    if (last !== undefined && last.start === start && last.start + span > index * this.windowMs) return [...points.slice(0, -1), mergePoints(last, window)];
    return [...points, { ...window, start }];
  }
}

function mergePoints(a: RateWindowPoint, b: RateWindowPoint): RateWindowPoint {
  return {
    start: a.start,
    windows: a.windows + b.windows,
    units: a.units + b.units,
    maxUnits: Math.max(a.maxUnits, b.maxUnits),
    requests: a.requests + b.requests,
    rateLimited: a.rateLimited + b.rateLimited,
    notes: a.notes + b.notes,
  };
}
