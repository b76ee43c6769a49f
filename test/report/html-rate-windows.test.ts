import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RATE_POINTS, RateWindowRecorder, type RateWindows } from '../../src/pipeline/rate-windows.ts';
import { rateUseText } from '../../src/report/rate-use.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A recorder on a clock the test turns: `spend(window, units)` sends writes in that 60 s window. */
function recorder(path?: string, maxPoints?: number): { rec: RateWindowRecorder; spend: (window: number, units: number, status?: number) => void } {
  let now = 0;
  const rec = new RateWindowRecorder({ windowMs: 60_000, budget: 200, now: () => now, ...(path === undefined ? {} : { path }), ...(maxPoints === undefined ? {} : { maxPoints }) });
  const spend = (window: number, units: number, status = 201): void => {
    for (let u = 0; u < units; u += 2) {
      now = window * 60_000 + 1000 + u;
      rec.request({ method: 'POST', status });
    }
  };
  return { rec, spend };
}

describe('rate used per window of the server\'s clock', () => {
  it('two windows of 190 and 50 units read as such, not as "236 units/min of a 200 budget"', () => {
    const { rec, spend } = recorder();
    spend(1000, 190);
    spend(1001, 50);
    const series = rec.snapshot();
    expect(series.points.map((p) => p.units)).toEqual([190, 50]);
    expect(series.use).toMatchObject({ windows: 2, fullWindows: 0, busiest: 190, overBudget: 0, units: 240 });
    const text = rateUseText(series);
    expect(text).toBe('190 and 50 units in 2 60 s windows of the server\'s clock against a budget of 200 (busiest 95 %), no window over budget');
    expect(text).not.toContain('units/min');
  });

  it('full windows against the budget; idle windows count; a 429 costs no unit and is counted', () => {
    const { rec, spend } = recorder();
    spend(10, 40);
    for (let w = 11; w <= 13; w++) spend(w, 200);
    spend(15, 198);
    spend(15, 0);
    spend(16, 2, 429);
    spend(17, 20);
    const series = rec.snapshot();
    expect(series.points.map((p) => p.units)).toEqual([40, 200, 200, 200, 0, 198, 0, 20]);
    expect(series.points[6]?.rateLimited).toBe(1);
    expect(series.use).toMatchObject({ windows: 8, fullWindows: 6, fullUnits: 798, fullAtBudget: 4, busiest: 200, overBudget: 0, rateLimited: 1 });
    expect(rateUseText(series)).toBe('133 units per 60 s window of the server\'s clock on average over 6 full windows against a budget of 200 (67 %; 4 at ≥ 99 %), busiest 200 (100 %), no window over budget');
  });

  it('a 40-hour run stays bounded: neighbours merge, the per-window figures stay exact, and the file beside the checkpoint holds the series', () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-import-windows-'));
    const path = join(dir, 'checkpoint.jsonl.windows.json');
    const { rec, spend } = recorder(path);
    const windows = 40 * 60;
    for (let w = 0; w < windows; w++) spend(w, w === 1234 ? 202 : 198);
    const series = rec.flush();
    expect(series.points.length).toBeLessThanOrEqual(MAX_RATE_POINTS);
    expect(series.pointWindows).toBe(4);
    expect(series.points.reduce((sum, p) => sum + p.windows, 0)).toBe(windows);
    expect(series.points.reduce((sum, p) => sum + p.units, 0)).toBe(198 * (windows - 1) + 202);
    expect(series.points.filter((p) => p.maxUnits === 202)).toHaveLength(1);
    expect(series.use).toMatchObject({ windows, fullWindows: windows - 2, busiest: 202, overBudget: 1, fullAtBudget: windows - 2 });
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text) as RateWindows).toEqual(series);
    expect(text.length).toBeLessThan(100_000);
  });

  it('merging keeps points aligned: each covers pointWindows windows from the first', () => {
    const { rec, spend } = recorder(undefined, 4);
    for (let w = 0; w < 11; w++) spend(100 + w, 2 * (w + 1));
    const series = rec.snapshot();
    expect(series.pointWindows).toBe(4);
    expect(series.points.map((p) => [p.start / 60_000, p.windows, p.units, p.maxUnits])).toEqual([[100, 4, 20, 8], [104, 4, 52, 16], [108, 3, 60, 22]]);
  });
});
