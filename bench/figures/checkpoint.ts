import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointLog } from '../gen/checkpoint-log.ts';
import { canonicalCsv } from '../gen/canonical-csv.ts';
import { profileChild, runChild } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { runDir, writeConfig } from '../lib/import-setup.ts';
import { OFFLINE_TARGET } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';

interface StatusOut {
  readonly events: number;
  readonly done: number;
  readonly ms: number;
}

/** Figure 6a: `hs-import status` (src/pipeline/status.ts → replayCheckpoint) over a big log. */
export async function checkpointFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const events = checkpointLog({ name: `checkpoint-${sizes.logEvents}`, seed: 6, events: sizes.logEvents });
  log(`data: ${events.path} (${(events.bytes / 1e6).toFixed(0)} MB, ${events.events} events, ${events.notes} notes)${events.fresh ? ' generated' : ' cached'}`);
  // status needs a valid config; the export itself is never read.
  const input = canonicalCsv({ name: 'requests-0', seed: 40, notes: 2_000, perTicket: 10, existingShare: 1, threads: 'few', shuffle: true });
  const dir = runDir('status');
  const config = writeConfig(dir, { format: 'csv', path: input.csv }, OFFLINE_TARGET);
  mkdirSync(join(dir, 'state'), { recursive: true });
  symlinkSync(events.path, join(dir, 'state', 'checkpoint.jsonl'));
  const ours = await runChild<StatusOut>('status', [config]);
  if (ours.out.events !== events.events) throw new Error(`status replayed ${ours.out.events} of ${events.events} events`);
  const bare = await runChild<{ tickets: number; ms: number }>('ndjson-parse', [events.path]);
  log(`status: ${ours.out.events} events in ${ours.out.ms.toFixed(0)} ms (peak RSS ${ours.child.peakRssMb?.toFixed(0) ?? 'n/a'} MB); bare JSON.parse of every line ${bare.out.ms.toFixed(0)} ms`);
  const replay = figure({
    figure: `6a replay a ${events.events / 1_000_000}M-event checkpoint (status)`,
    value: ours.out.ms,
    unit: 'ms',
    baseline: bare.out.ms,
    goal: { on: 'value', atMost: 3000 },
    note: `importStatus in a child, ${ours.child.cpuSeconds?.toFixed(1) ?? 'n/a'} s CPU for the whole process; ${(events.bytes / 1e6).toFixed(0)} MB, ${events.notes} notes, peak RSS ${ours.child.peakRssMb?.toFixed(0) ?? 'n/a'} MB; baseline: readline + JSON.parse of every line of the same file`,
  });
  if (replay.pass) return [replay];
  const where = await profileChild('status', [config], 'status');
  log(`6a missed its goal; ${where}`);
  return [{ ...replay, note: `${replay.note}; where the time goes: ${where}` }];
}
