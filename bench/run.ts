/**
 * `npm run bench` (full) or `npm run bench -- --quick` / BENCH_QUICK=1 (smaller data): builds its
 * own data under bench/data, runs every figure against the embedded simulator on 127.0.0.1,
 * prints the table and writes bench/results.json. `--only 1,5` runs some figure groups
 * (written to bench/results-only.json).
 * Every figure is ours against a baseline measured on the same data in the same run.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { attachmentFigures } from './figures/attachments.ts';
import { checkpointFigures } from './figures/checkpoint.ts';
import { deltaFigures } from './figures/delta-verify.ts';
import { exportFigures } from './figures/export.ts';
import { historyFigures } from './figures/history.ts';
import { liveFigures } from './figures/live-import.ts';
import { planFigures } from './figures/plan-throughput.ts';
import { rateFigures } from './figures/rate-use.ts';
import { requestsPerNoteFigures } from './figures/requests-per-note.ts';
import { runMillionFigures } from './figures/run-million.ts';
import { sideConversationFigures } from './figures/side-conversations.ts';
import { simulatorFigures } from './figures/simulator.ts';
import { BENCH_DIR } from './lib/data-dir.ts';
import { failedFigure, formatTable, type Figure, type Goal } from './lib/figure.ts';
import { hasGnuTime } from './lib/proc.ts';
import { FULL, QUICK, type Sizes } from './lib/sizes.ts';

interface Group {
  readonly id: string;
  readonly title: string;
  /** What to list when the group crashed before measuring. */
  readonly fallback: { readonly figure: string; readonly unit: string; readonly goal: Goal };
  readonly run: (sizes: Sizes, log: (line: string) => void) => Promise<Figure[]>;
}

// Cheapest first, so a crash late in the run still leaves most figures measured.
const GROUPS: readonly Group[] = [
  { id: '7', title: 'simulator alone', fallback: { figure: '7 simulator', unit: 'requests/s', goal: { on: 'value', atLeast: 5000 } }, run: simulatorFigures },
  { id: '4', title: 'requests per note', fallback: { figure: '4 requests per note', unit: 'requests/note', goal: { on: 'none' } }, run: (_sizes, log) => requestsPerNoteFigures(log) },
  { id: '3', title: 'rate use, shortened window', fallback: { figure: '3 rate budget used', unit: 'units/window', goal: { on: 'ratio', atLeast: 0.99 } }, run: rateFigures },
  { id: '5', title: 'live import, no rate limit (and 6b: its log)', fallback: { figure: '5 live import', unit: 'notes/s', goal: { on: 'value', atLeast: 3000 } }, run: liveFigures },
  { id: '6', title: 'checkpoint replay', fallback: { figure: '6a checkpoint replay', unit: 'ms', goal: { on: 'value', atMost: 3000 } }, run: checkpointFigures },
  { id: '1', title: 'read + map, and plan: CSV and Zendesk', fallback: { figure: '1 plan CSV', unit: 'notes/s', goal: { on: 'ratio', atLeast: 0.7 } }, run: planFigures },
  { id: '8', title: 'run 1M notes, no rate limit (issue 11)', fallback: { figure: '8b run 1M notes peak RSS', unit: 'MB', goal: { on: 'value', atMost: 256 } }, run: runMillionFigures },
  { id: '10', title: 'history columns and native threads (issue 17)', fallback: { figure: '10a plan with history columns', unit: 'notes/s', goal: { on: 'ratio', atLeast: 0.9 } }, run: historyFigures },
  { id: '9', title: 'a delta and verify after a 1M-note import (issue 16)', fallback: { figure: '9a plan --delta', unit: 'ms', goal: { on: 'ratio', atMost: 1.2 } }, run: deltaFigures },
  { id: '11', title: 'attachments behind links: fetch and a run of 10 MB files (issue 18)', fallback: { figure: '11a fetch-attachments', unit: 'files/s', goal: { on: 'ratio', atLeast: 0.8 } }, run: attachmentFigures },
  { id: '12', title: 'side conversations for existing conversations (issue 22)', fallback: { figure: '12b requests per note, existing conversations of 40 notes: side', unit: 'requests/note', goal: { on: 'value', atMost: 0.08 } }, run: sideConversationFigures },
  { id: '13', title: 'export from the platforms\' APIs: Zendesk, Freshdesk, Intercom (issue 19)', fallback: { figure: '13a1 export zendesk', unit: 'tickets/s', goal: { on: 'ratio', atLeast: 0.8 } }, run: exportFigures },
];

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const sizes = values.quick || process.env.BENCH_QUICK === '1' ? QUICK : FULL;
const only = values.only?.split(',').map((s) => s.trim().replace(/^2$/, '1'));
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string): void => {
  process.stdout.write(`[${elapsed()}] ${line}\n`);
};

log(`hs-import bench (${sizes.label}): ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}, peak RSS ${hasGnuTime ? 'via /usr/bin/time -v' : 'via /proc VmHWM'}`);
const figures: Figure[] = [];
let crashed = false;
for (const group of GROUPS) {
  if (only && !only.includes(group.id)) continue;
  log(`— ${group.id}: ${group.title}`);
  try {
    figures.push(...(await group.run(sizes, log)));
  } catch (error) {
    crashed = true;
    log(`${group.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    figures.push(failedFigure(group.fallback.figure, group.fallback.unit, group.fallback.goal, error));
  }
}
const order = (f: Figure): string => f.figure.slice(0, 2);
figures.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));

// A partial run must not overwrite the full run's figures.
const resultsPath = join(BENCH_DIR, only ? 'results-only.json' : 'results.json');
writeFileSync(resultsPath, JSON.stringify(figures, null, 2) + '\n');
process.stdout.write(`\n${formatTable(figures)}\n\n`);
const failed = figures.filter((f) => !f.pass);
log(`${figures.length} figures, ${failed.length} missed their goal${failed.length === 0 ? '' : `: ${failed.map((f) => f.figure).join('; ')}`}`);
log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; written ${resultsPath}`);
process.exitCode = crashed ? 1 : 0;
