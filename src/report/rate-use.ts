import type { RateWindows } from '../pipeline/rate-windows.ts';

const pct = (units: number, budget: number): string => `${budget > 0 ? Math.round((100 * units) / budget) : 0} %`;

/**
 * Rate used per window of the server's clock, in words: each full window's units against the
 * budget (never units over the run's span: 190 and 50 units in two 60 s windows are not
 * "236 units/min of a 200 budget").
 */
export function rateUseText(series: RateWindows | undefined): string {
  if (series === undefined) return 'not recorded';
  const { use, budget } = series;
  const window = `${series.windowMs / 1000} s window of the server's clock`;
  if (use.requests === 0) return `no requests (budget ${budget} units per ${window})`;
  const over = use.overBudget === 0 ? 'no window over budget' : `${use.overBudget} window${use.overBudget === 1 ? '' : 's'} over budget`;
  if (use.fullWindows === 0) {
    // Only the run's first and last (partial) windows: say each.
    const each = series.points.map((p) => p.units).join(' and ');
    return `${each} units in ${use.windows === 1 ? 'one' : use.windows} ${use.windows === 1 ? window : `${series.windowMs / 1000} s windows of the server's clock`} against a budget of ${budget} (busiest ${pct(use.busiest, budget)}), ${over}`;
  }
  const average = use.fullUnits / use.fullWindows;
  return `${Math.round(average)} units per ${window} on average over ${use.fullWindows} full window${use.fullWindows === 1 ? '' : 's'} against a budget of ${budget} (${pct(average, budget)}; ${use.fullAtBudget} at ≥ 99 %), busiest ${use.busiest} (${pct(use.busiest, budget)}), ${over}`;
}

/** Windows listed one a row in run.md; a longer run is in run.json and run.html. */
const MD_WINDOWS = 60;

/** run.md's section: each window's units against the budget, as the run recorded them. */
export function rateWindowsMd(series: RateWindows | undefined, table: (header: readonly string[], rows: readonly (readonly (string | number)[])[]) => string): string[] {
  if (series === undefined || series.points.length === 0) return [];
  const shown = series.points.slice(0, MD_WINDOWS);
  const per = series.pointWindows === 1 ? 'window' : `${series.pointWindows} windows`;
  return [
    `## Rate per ${series.windowMs / 1000} s window (server's clock)`,
    '',
    `${rateUseText(series)}. Each row is one ${per} (UTC); the first and last windows are partial.`,
    '',
    table(
      ['start (UTC)', 'units', 'busiest window', `of budget ${series.budget}`, 'requests', '429s', 'notes done'],
      shown.map((p) => [new Date(p.start).toISOString().slice(0, 19) + 'Z', p.units, p.maxUnits, `${Math.round((100 * p.maxUnits) / Math.max(1, series.budget))} %`, p.requests, p.rateLimited, p.notes]),
    ),
    ...(series.points.length > shown.length ? ['', `… and ${series.points.length - shown.length} more rows in run.json and run.html.`] : []),
    '',
  ];
}
