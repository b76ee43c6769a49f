import { canonicalCsv } from '../gen/canonical-csv.ts';
import type { Measured } from './children.ts';

/** Helpers the figures share to read a child's measurements. */
export const perSecond = (count: number, ms: number): number => count / (ms / 1000);
export const cpu = (m: Measured<unknown>): string => (m.child.cpuSeconds === undefined ? 'cpu n/a' : `${m.child.cpuSeconds.toFixed(1)} s CPU`);
export const rss = (m: Measured<unknown>): number => m.child.peakRssMb ?? Number.NaN;
export const label = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** CPU seconds per item of `base` over those of `ours`: the throughput ratio, measured in CPU rather than wall time. */
export function cpuRatio(base: Measured<unknown>, ours: Measured<unknown>, baseItems = 1, ourItems = 1): string {
  if (base.child.cpuSeconds === undefined || ours.child.cpuSeconds === undefined) return 'n/a';
  return (base.child.cpuSeconds / baseItems / (ours.child.cpuSeconds / ourItems)).toFixed(3);
}

/** A config for work that reaches no network (plan, read + map): this address only satisfies it. */
export const OFFLINE_TARGET = { baseUrl: 'http://127.0.0.1:9' };

/** The shuffled canonical export of figures 1 and 8 (one spec, so the cached file is shared). */
export function shuffledCanonical(notes: number, history = false): ReturnType<typeof canonicalCsv> {
  return canonicalCsv({ name: `canonical-${notes}${history ? '-history' : ''}`, seed: 1, notes, perTicket: 'varied', existingShare: 0.5, threads: 'realistic', shuffle: true, history });
}
