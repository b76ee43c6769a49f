import { mulberry32 } from './prng.ts';
import type { FaultConfig } from './types.ts';

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'server-error'; status: 500 | 503 }
  | { kind: 'reset' }
  | { kind: 'lost-response' };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method);
}

/** The jitter's own stream, apart from the faults': a different seed, from the same one. */
const JITTER_SEED_MIX = 0x5bd1e995;

/**
 * Seeded fault schedule: the same seed replays the same faults, the n-th write that reaches a
 * decision getting the n-th draw. Latency jitter draws from a stream of its own: drawn as
 * requests arrive and decided after their delay, the two would interleave differently with
 * every run's timing, and which writes fail would depend on it.
 */
export class FaultInjector {
  private random: () => number;
  private jitter: () => number;

  constructor(private config: FaultConfig) {
    this.random = mulberry32(config.seed);
    this.jitter = mulberry32(config.seed ^ JITTER_SEED_MIX);
  }

  /** A new config restarts the schedule from its seed. */
  configure(config: FaultConfig): void {
    this.config = config;
    this.random = mulberry32(config.seed);
    this.jitter = mulberry32(config.seed ^ JITTER_SEED_MIX);
  }

  appliesTo(method: string): boolean {
    const scope = this.config.on;
    return scope === 'all' || (scope === 'writes') === isWrite(method);
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.config;
    if (latencyMs === 0 && jitterMs === 0) return 0;
    return latencyMs + Math.floor(this.jitter() * (jitterMs + 1));
  }

  decide(): FaultDecision {
    const { serverErrorRate, resetRate, lostResponseRate } = this.config;
    if (serverErrorRate + resetRate + lostResponseRate === 0) return { kind: 'none' };
    const r = this.random();
    if (r < serverErrorRate) return { kind: 'server-error', status: this.random() < 0.5 ? 500 : 503 };
    if (r < serverErrorRate + resetRate) return { kind: 'reset' };
    if (r < serverErrorRate + resetRate + lostResponseRate) return { kind: 'lost-response' };
    return { kind: 'none' };
  }
}
