import { canonicalCsv } from '../gen/canonical-csv.ts';
import { runChild, type Measured } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { runDir, writeConfig } from '../lib/import-setup.ts';
import type { Sizes } from '../lib/sizes.ts';

interface ReadMapOut {
  readonly rows: number;
  readonly notes: number;
  readonly rejects: number;
  readonly ms: number;
}

const perSecond = (count: number, ms: number): number => count / (ms / 1000);
const cpu = (m: Measured<unknown>): string => (m.child.cpuSeconds === undefined ? 'cpu n/a' : `${m.child.cpuSeconds.toFixed(1)} s CPU`);
const rss = (m: Measured<unknown>): number => m.child.peakRssMb ?? Number.NaN;
const label = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** Reading never connects: this address only satisfies the config. */
const OFFLINE_TARGET = { baseUrl: 'http://127.0.0.1:9' };

/**
 * Figures 1c and 1d (issue #5): the CSV reader and the mapper alone (bench/children/read-map.ts,
 * pass 1 without table or spool) against bare csv-parse (`columns: true`) on the same file in
 * the same call, and the reading process's peak RSS from outside.
 */
export async function readMapFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  // The same data as figure 1a (same spec, so the cached file is shared).
  const csv = canonicalCsv({ name: `canonical-${sizes.csvNotes}`, seed: 1, notes: sizes.csvNotes, perTicket: 'varied', existingShare: 0.5, threads: 'realistic', shuffle: true });
  log(`data: ${csv.csv} (${(csv.bytes / 1e6).toFixed(0)} MB, ${csv.notes} notes)${csv.fresh ? ' generated' : ' cached'}`);
  const config = writeConfig(runDir('read-map'), { format: 'csv', path: csv.csv }, OFFLINE_TARGET);
  const bare = await runChild<{ rows: number; ms: number }>('csv-parse', [csv.csv]);
  log(`bare csv-parse: ${bare.out.rows} rows in ${(bare.out.ms / 1000).toFixed(1)} s (${cpu(bare)})`);
  const ours = await runChild<ReadMapOut>('read-map', [config]);
  log(`read + map: ${ours.out.rows} rows (${ours.out.notes} notes, ${ours.out.rejects} rejects) in ${(ours.out.ms / 1000).toFixed(1)} s (${cpu(ours)}), peak RSS ${rss(ours).toFixed(0)} MB`);
  if (ours.out.rows !== bare.out.rows) throw new Error(`read + map saw ${ours.out.rows} rows, csv-parse ${bare.out.rows}`);
  const cpuRatio =
    bare.child.cpuSeconds === undefined || ours.child.cpuSeconds === undefined ? 'n/a' : (bare.child.cpuSeconds / ours.child.cpuSeconds).toFixed(3);
  return [
    figure({
      figure: `1c read + map ${label(csv.notes)} canonical CSV`,
      value: perSecond(ours.out.rows, ours.out.ms),
      unit: 'notes/s',
      baseline: perSecond(bare.out.rows, bare.out.ms),
      goal: { on: 'ratio', atLeast: 0.7 },
      note: `rows read and mapped per second (reader + mapper, no table or spool); baseline: bare csv-parse (columns: true) over the same ${(csv.bytes / 1e6).toFixed(0)} MB file; whole-process ${cpu(ours)} vs ${cpu(bare)} (CPU ratio ${cpuRatio}, robust to machine load)`,
    }),
    figure({
      figure: '1d read + map peak RSS',
      value: rss(ours),
      unit: 'MB',
      baseline: rss(bare),
      goal: { on: 'value', atMost: 256 },
      note: `measured from outside (${ours.child.rssSource}); baseline: bare csv-parse's peak RSS`,
    }),
  ];
}
