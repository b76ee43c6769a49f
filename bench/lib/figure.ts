/** One line of bench/results.json: ours vs a baseline measured on the same data in the same run. */
export interface Figure {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** What the baseline measured (same unit as `value`), or null where the figure has none. */
  readonly baseline: number | null;
  /** value / baseline, or null. */
  readonly ratio: number | null;
  /** The goal in words, e.g. "ratio ≥ 0.7". */
  readonly goal: string;
  readonly pass: boolean;
  /** What the baseline is and anything a reader needs to judge the number. */
  readonly note: string;
}

export type Goal =
  | { readonly on: 'ratio' | 'value'; readonly atLeast: number }
  | { readonly on: 'ratio' | 'value'; readonly atMost: number }
  | { readonly on: 'none' };

const round = (n: number): number => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);

function goalText(goal: Goal, unit: string): string {
  if (goal.on === 'none') return 'reported';
  const what = goal.on === 'ratio' ? 'ratio' : unit;
  return 'atLeast' in goal ? `${what} ≥ ${goal.atLeast}` : `${what} ≤ ${goal.atMost}`;
}

/** Builds a figure: the ratio is computed here, and `pass` is judged against the goal, never set by hand. */
export function figure(input: { figure: string; value: number; unit: string; baseline?: number; goal: Goal; note: string }): Figure {
  const baseline = input.baseline ?? null;
  const ratio = baseline === null || baseline === 0 ? null : input.value / baseline;
  const { goal } = input;
  let pass = true;
  if (goal.on !== 'none') {
    const measured = goal.on === 'ratio' ? ratio : input.value;
    pass = measured !== null && Number.isFinite(measured) && ('atLeast' in goal ? measured >= goal.atLeast : measured <= goal.atMost);
  }
  return {
    figure: input.figure,
    value: round(input.value),
    unit: input.unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    goal: goalText(goal, input.unit),
    pass,
    note: input.note,
  };
}

/** A figure that could not be measured (a child crashed): it is listed as a failure, not left out. */
export function failedFigure(name: string, unit: string, goal: Goal, error: unknown): Figure {
  const message = error instanceof Error ? error.message : String(error);
  return { figure: name, value: Number.NaN, unit, baseline: null, ratio: null, goal: goalText(goal, unit), pass: false, note: `not measured: ${message.slice(0, 300)}` };
}

function cell(value: number | null): string {
  if (value === null) return '—';
  if (Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** The table `npm run bench` prints. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['figure', 'value', 'unit', 'baseline', 'ratio', 'goal', 'pass'];
  const rows = figures.map((f) => [f.figure, cell(f.value), f.unit, cell(f.baseline), cell(f.ratio), f.goal, f.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
