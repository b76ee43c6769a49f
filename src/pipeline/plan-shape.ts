import type { LaneList } from '../plan/plan.ts';

/** A bucket of a histogram: `from`..`to` inclusive (`to` undefined: and above). */
export interface CountBucket {
  readonly label: string;
  readonly from: number;
  readonly to?: number;
  readonly count: number;
}

/** Notes per conversation in fixed, roughly logarithmic buckets: a million notes or ten, 11 bars. */
const LANE_BUCKETS: readonly (readonly [number, number | undefined])[] = [
  [1, 1], [2, 2], [3, 5], [6, 10], [11, 20], [21, 50], [51, 99], [100, 200], [201, 500], [501, 1000], [1001, undefined],
];

export function notesPerConversation(lanes: LaneList): CountBucket[] {
  const counts = new Array<number>(LANE_BUCKETS.length).fill(0);
  for (let index = 0; index < lanes.length; index++) {
    const n = lanes.noteCount(index);
    if (n <= 0) continue;
    const bucket = LANE_BUCKETS.findIndex(([, to]) => to === undefined || n <= to);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return LANE_BUCKETS.map(([from, to], i) => ({ label: to === undefined ? `${from}+` : from === to ? String(from) : `${from}–${to}`, from, ...(to === undefined ? {} : { to }), count: counts[i] ?? 0 }));
}

/** Notes by the month (or, over 20 years, the year) of their createdAt. */
export interface Timeline {
  readonly unit: 'month' | 'year';
  /** `YYYY-MM` or `YYYY`, every one from the first to the last, empty ones included. */
  readonly buckets: readonly { readonly label: string; readonly count: number }[];
}

const MAX_MONTHS = 240;

/** One pass over the notes' epochs (seconds): counted per day, then the few thousand days per month. */
export function createdAtTimeline(size: number, epochOf: (note: number) => number): Timeline {
  // Days in a typed array when their span allows (every export but one with a stray date
  // centuries off): a million Map updates cost ten times more.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let note = 0; note < size; note++) {
    const day = Math.floor(epochOf(note) / 86_400);
    if (day < lo) lo = day;
    if (day > hi) hi = day;
  }
  const perDay = new Map<number, number>();
  if (size > 0 && hi - lo < 400_000) {
    const days = new Uint32Array(hi - lo + 1);
    for (let note = 0; note < size; note++) {
      const i = Math.floor(epochOf(note) / 86_400) - lo;
      days[i] = (days[i] ?? 0) + 1;
    }
    days.forEach((count, i) => {
      if (count > 0) perDay.set(lo + i, count);
    });
  } else {
    for (let note = 0; note < size; note++) {
      const day = Math.floor(epochOf(note) / 86_400);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
  }
  const perMonth = new Map<number, number>();
  for (const [day, count] of perDay) {
    const d = new Date(day * 86_400_000);
    const month = d.getUTCFullYear() * 12 + d.getUTCMonth();
    perMonth.set(month, (perMonth.get(month) ?? 0) + count);
  }
  if (perMonth.size === 0) return { unit: 'month', buckets: [] };
  const months = [...perMonth.keys()];
  const first = Math.min(...months);
  const last = Math.max(...months);
  if (last - first < MAX_MONTHS) {
    const buckets = [];
    for (let m = first; m <= last; m++) buckets.push({ label: `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`, count: perMonth.get(m) ?? 0 });
    return { unit: 'month', buckets };
  }
  // Years, several a bucket when a stray date spans centuries: never more than MAX_MONTHS bars.
  const firstYear = Math.floor(first / 12);
  const step = Math.ceil((Math.floor(last / 12) - firstYear + 1) / MAX_MONTHS);
  const perSpan = new Map<number, number>();
  for (const [m, count] of perMonth) {
    const span = Math.floor((Math.floor(m / 12) - firstYear) / step);
    perSpan.set(span, (perSpan.get(span) ?? 0) + count);
  }
  const buckets = [];
  for (let s = 0; s <= Math.floor((Math.floor(last / 12) - firstYear) / step); s++) {
    const y = firstYear + s * step;
    buckets.push({ label: step === 1 ? String(y) : `${y}–${y + step - 1}`, count: perSpan.get(s) ?? 0 });
  }
  return { unit: 'year', buckets };
}
