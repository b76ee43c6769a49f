import type { RunningSimulator } from '../../src/simulator/index.ts';

export interface WindowSample {
  /** The simulator's window index: floor(time / window). */
  readonly window: number;
  readonly units: number;
  readonly rateLimited: number;
}

/** Read this long after a boundary, so requests the simulator took just before it are counted. */
const SETTLE_MS = 5;

/**
 * Reads the simulator's counters at every boundary of its rate window (its windows are aligned
 * to the clock: floor(now / window)), giving the units spent and 429s served per window. The
 * simulator runs in this process, so a read is exact up to the timer's lateness (a few ms).
 */
export class WindowSampler {
  readonly samples: WindowSample[] = [];
  private last = { units: 0, rateLimited: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sim: RunningSimulator,
    private readonly windowMs: number,
  ) {}

  start(): void {
    this.last = this.read();
    this.arm();
  }

  /** Takes the last, partial window and stops. */
  stop(): WindowSample[] {
    if (this.timer) clearTimeout(this.timer);
    this.record(Math.floor(Date.now() / this.windowMs));
    return this.samples;
  }

  private arm(): void {
    // The window is named by the boundary the timer was set for, not by when it fired: a timer
    // that fires a little early or late must not give two samples the same window.
    const ending = Math.floor(Date.now() / this.windowMs);
    const next = (ending + 1) * this.windowMs;
    this.timer = setTimeout(() => {
      this.record(ending);
      this.arm();
    }, next - Date.now() + SETTLE_MS);
  }

  private read(): { units: number; rateLimited: number } {
    const c = this.sim.state.counters.snapshot();
    return { units: c.unitsSpent, rateLimited: c.rateLimited };
  }

  private record(window: number): void {
    const now = this.read();
    this.samples.push({ window, units: now.units - this.last.units, rateLimited: now.rateLimited - this.last.rateLimited });
    this.last = now;
  }
}

export interface WindowUse {
  /** Windows strictly between the first and the last with traffic: the import ran through all of them. */
  readonly steadyWindows: number;
  readonly steadyUnits: number;
  /** 429s served in every window after the first one with traffic. */
  readonly rateLimitedAfterFirst: number;
  readonly rateLimitedFirst: number;
  readonly perWindow: readonly number[];
}

export function windowUse(samples: readonly WindowSample[]): WindowUse {
  const busy = samples.filter((s) => s.units > 0 || s.rateLimited > 0);
  const first = busy[0]?.window ?? 0;
  const last = busy[busy.length - 1]?.window ?? 0;
  const steady = samples.filter((s) => s.window > first && s.window < last);
  return {
    steadyWindows: steady.length,
    steadyUnits: steady.reduce((n, s) => n + s.units, 0),
    rateLimitedAfterFirst: samples.filter((s) => s.window > first).reduce((n, s) => n + s.rateLimited, 0),
    rateLimitedFirst: samples.filter((s) => s.window === first).reduce((n, s) => n + s.rateLimited, 0),
    perWindow: busy.map((s) => s.units),
  };
}
