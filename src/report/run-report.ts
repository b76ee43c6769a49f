import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunResult } from '../pipeline/run-import.ts';
import { idMapLines } from './id-map.ts';
import { rejectsCsv } from './rejects-csv.ts';
import { writeLines } from './write-lines.ts';
import { runHtml } from './html/run-page.ts';
import { rateUseText, rateWindowsMd } from './rate-use.ts';
import { fetchLine } from './fetch-report.ts';
import { mdTable, minutesText, notesLine, rejectsByReason, simulatedTag, deltaSection, authorsSection } from './summary.ts';

export interface WrittenReport {
  readonly files: readonly string[];
  /** The short summary the CLI prints. */
  readonly lines: readonly string[];
}

/** DESIGN §10: the key, how many processes shared it, each one's share and what this one spent. */
function sharedBudgetLines(result: RunResult, tag: string): string[] {
  const shared = result.sharedBudget;
  if (shared === undefined) return [];
  const each = shared.spentByProcess.map((p) => `${p.self ? 'this process' : p.process} ${p.unitsSpent}`).join(', ');
  return [
    `shared budget${tag}: key ${shared.key} on ${shared.redis}, ${shared.processes} process${shared.processes === 1 ? '' : 'es'} shared ${shared.unitsPerWindow} units per ${shared.windowMs / 1000} s window, a share of ${shared.sharePerWindow} each; units spent: ${each}`,
    ...(shared.correctedUnits > 0 ? [`shared budget${tag}: the headers showed ${shared.correctedUnits} units spent by others (another integration), the shared counter was raised by them`] : []),
    ...(shared.redisLost > 0 ? [`shared budget${tag}: Redis was lost ${shared.redisLost} time(s); ${shared.localWindows} window(s) on this process's local share`] : []),
  ];
}

/** run.json, run.md, rejects.csv and id-map.csv in the reports folder. */
export function writeRunReport(dir: string, result: RunResult): WrittenReport {
  mkdirSync(dir, { recursive: true });
  // Reading rejects and later ones (planner, Help Scout) in source order: the file reads like the export.
  const rejects = [...result.rejects].sort((a, b) => a.origin.line - b.origin.line);
  const reasons = rejectsByReason(rejects.map((r) => ({ ...r, origin: { ...r.origin, file: basename(r.origin.file) } })));
  const where = result.simulated ? 'the embedded Help Scout simulator (simulated: nothing reached a real account)' : result.baseUrl;
  const minutes = result.durationMs / 60_000;
  const budgetPerMinute = Math.round((result.rate.unitsPerWindow * 60_000) / result.rate.windowMs);
  // Per window of the server's clock, as the run recorded it: units over the run's span say nothing
  // about the budget (190 and 50 units in two 60 s windows are not "236 units/min of a 200 budget").
  const rateUsed = rateUseText(result.rateWindows);
  const json = {
    simulated: result.simulated,
    target: result.simulated ? 'simulator' : result.baseUrl,
    interrupted: result.interrupted,
    rowsRead: result.rowsRead,
    indexReused: result.indexReused,
    notes: result.notes,
    counts: result.counts,
    plan: result.plan,
    delivery: result.delivery,
    requests: result.requests,
    rate: { ...result.rate, budgetPerMinute, perWindow: result.rateWindows?.use ?? null, perWindowText: rateUsed },
    ...(result.sharedBudget === undefined ? {} : { sharedBudget: result.sharedBudget }),
    ...(result.rateWindows === undefined ? {} : { rateWindows: { windowMs: result.rateWindows.windowMs, budget: result.rateWindows.budget, pointWindows: result.rateWindows.pointWindows, points: result.rateWindows.points } }),
    durationMs: result.durationMs,
    ...(result.delta === undefined ? {} : { delta: result.delta }),
    ...(result.attachments === undefined ? {} : { attachments: result.attachments }),
    authors: result.authors,
    rejectsByReason: reasons,
  };
  const tag = simulatedTag(result.simulated);
  const delta = deltaSection(result.delta, tag);
  const authors = authorsSection(result.authors, tag, 'of the notes landed from this export; thread types as this run sent them');
  const lines = [
    notesLine(`hs-import run${tag}`, result.counts, `${result.counts.doneBefore} in earlier runs, ${result.counts.reconciledAtStart} found landed after a crash`),
    ...(result.interrupted ? [`interrupted${tag}: stopped on Ctrl-C after the requests in flight; the checkpoint is flushed, run again to resume`] : []),
    `target${tag}: ${where}`,
    `requests${tag}: ${result.requests.requests} (${result.requests.reads} reads, ${result.requests.writes} writes), ${result.requests.rateLimited} answered 429, ${result.requests.retries} retries, ${result.rate.pauses} pauses`,
    `conversations${tag}: ${result.delivery.createsDone} created (${result.plan.continuations} planned continuations), ${result.delivery.moved} merged targets followed, ${result.delivery.replans} re-plans`,
    `duration${tag}: ${(result.durationMs / 1000).toFixed(1)} s, ${(result.rate.pausedMs / 1000).toFixed(1)} s paused by 429s`,
    `rate${tag}: ${rateUsed}`,
    ...sharedBudgetLines(result, tag),
    ...delta.line,
    ...authors.line,
    ...(result.attachments === undefined ? [] : [fetchLine(result.attachments)]),
    ...reasons.map((r) => `rejected${tag}: ${r.count} × ${r.reason}`),
  ];
  const md = [
    `# hs-import run report${tag}`,
    '',
    ...(result.simulated ? ['> [simulated] Nothing in this report reached a real Help Scout account.', ''] : []),
    `Target: ${where}${result.interrupted ? '  \n**Interrupted**: run again to resume.' : ''}`,
    '',
    mdTable(
      ['what', 'count'],
      [
        [result.indexReused ? 'rows read (by an earlier run: its index was reused)' : 'rows read', result.rowsRead],
        ['notes done', result.counts.done],
        ['… of which in earlier runs', result.counts.doneBefore],
        ['… found landed after a crash', result.counts.reconciledAtStart],
        ['rejected', result.counts.rejected],
        ['in doubt (run again to settle)', result.counts.inDoubt],
        ['left (not selected or interrupted)', result.counts.left],
        ['conversations created', result.delivery.createsDone],
        ['… continuations planned (100-thread limit)', result.plan.continuations],
        ['merged conversations followed', result.delivery.moved],
        ['lanes re-planned (412/413/merge)', result.delivery.replans],
        ['requests', result.requests.requests],
        ['429 answers', result.requests.rateLimited],
        ['retries', result.requests.retries],
        ['duration (s)', (result.durationMs / 1000).toFixed(1)],
        ['rate units spent', result.rate.unitsSpent],
        ['rate used per window', rateUsed],
        ['pauses for 429 (s)', (result.rate.pausedMs / 1000).toFixed(1)],
      ],
    ),
    '',
    ...(result.sharedBudget === undefined ? [] : ['## Shared budget', '', ...sharedBudgetLines(result, '').map((line) => `- ${line}`), '']),
    result.delivery.requestBytesLowered.length > 0 ? `413 answers lowered the create request bound to ${result.delivery.requestBytesLowered.join(' → ')} bytes.\n` : '',
    ...delta.md,
    ...authors.md,
    ...rateWindowsMd(result.rateWindows, mdTable),
    '## Rejects by reason',
    '',
    reasons.length === 0 ? 'None.' : mdTable(['reason', 'count', 'examples'], reasons.map((r) => [r.reason, r.count, r.examples.join('<br>')])),
    '',
    `Fix the rows in \`rejects.csv\` (its \`reason\` and \`message\` columns say what is wrong) and run again with it as \`source.path\` (format \`csv\`, a new checkpoint); \`id-map.csv\` maps every imported note. Duration: ${minutesText(minutes)}.`,
    '',
  ].join('\n');
  const files = {
    'run.json': JSON.stringify(json, null, 2) + '\n',
    'run.md': md,
    'run.html': runHtml(result, { reasons }, where),
    'rejects.csv': rejectsCsv(rejects),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeLines(join(dir, 'id-map.csv'), idMapLines(result.landed()));
  return { files: [...Object.keys(files), 'id-map.csv'].map((name) => join(dir, name)), lines };
}
