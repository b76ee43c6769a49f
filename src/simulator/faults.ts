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

/** Seeded fault schedule: the same seed and request order replay the same faults. */
export class FaultInjector {
  private random: () => number;

  constructor(private config: FaultConfig) {
    this.random = mulberry32(config.seed);
  }

  /** A new config restarts the schedule from its seed. */
  configure(config: FaultConfig): void {
    this.config = config;
    this.random = mulberry32(config.seed);
  }

  appliesTo(method: string): boolean {
    const scope = this.config.on;
    return scope === 'all' || (scope === 'writes') === isWrite(method);
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.config;
    if (latencyMs === 0 && jitterMs === 0) return 0;
    return latencyMs + Math.floor(this.random() * (jitterMs + 1));
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
