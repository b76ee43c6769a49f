import { runChild, type Measured } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { runDir, writeConfig } from '../lib/import-setup.ts';
import { cpu, cpuRatio, label, OFFLINE_TARGET, perSecond, rss, type shuffledCanonical } from '../lib/measure.ts';

interface ReadMapOut {
  readonly rows: number;
  readonly notes: number;
  readonly rejects: number;
  readonly ms: number;
}

/**
 * Figures 1c and 1d (issue #5): the CSV reader and the mapper alone (bench/children/read-map.ts,
 * pass 1 without table or spool) against figure 1's bare csv-parse (`columns: true`) on the same
 * file, measured in the same run, and the reading process's peak RSS from outside.
 */
export async function readMapFigures(csv: ReturnType<typeof shuffledCanonical>, bare: Measured<{ rows: number; ms: number }>, log: (line: string) => void): Promise<Figure[]> {
  const config = writeConfig(runDir('read-map'), { format: 'csv', path: csv.csv }, OFFLINE_TARGET);
  const ours = await runChild<ReadMapOut>('read-map', [config]);
  log(`read + map: ${ours.out.rows} rows (${ours.out.notes} notes, ${ours.out.rejects} rejects) in ${(ours.out.ms / 1000).toFixed(1)} s (${cpu(ours)}), peak RSS ${rss(ours).toFixed(0)} MB`);
  if (ours.out.rows !== bare.out.rows) throw new Error(`read + map saw ${ours.out.rows} rows, csv-parse ${bare.out.rows}`);
  return [
    figure({
      figure: `1c read + map ${label(csv.notes)} canonical CSV`,
      value: perSecond(ours.out.rows, ours.out.ms),
      unit: 'notes/s',
      baseline: perSecond(bare.out.rows, bare.out.ms),
      goal: { on: 'ratio', atLeast: 0.7 },
      note: `rows read and mapped per second (reader + mapper, no table or spool); baseline: bare csv-parse (columns: true) over the same ${(csv.bytes / 1e6).toFixed(0)} MB file; whole-process ${cpu(ours)} vs ${cpu(bare)} (CPU ratio ${cpuRatio(bare, ours)}, robust to machine load)`,
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
