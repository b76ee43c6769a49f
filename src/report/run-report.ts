import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunResult } from '../pipeline/run-import.ts';
import { idMapLines } from './id-map.ts';
import { rejectsCsv } from './rejects-csv.ts';
import { writeLines } from './write-lines.ts';
import { mdTable, minutesText, notesLine, rejectsByReason, simulatedTag, deltaSection, authorsSection } from './summary.ts';

export interface WrittenReport {
  readonly files: readonly string[];
  /** The short summary the CLI prints. */
  readonly lines: readonly string[];
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
  // An average over less than one rate window says nothing about the budget (a burst of 20 units
  // in 0.1 s is not "12,000 units/min"): shown only once the run spans a whole window.
  const unitsPerMinute = result.durationMs >= result.rate.windowMs ? Math.round(result.rate.unitsSpent / minutes) : undefined;
  const rateUsed = unitsPerMinute === undefined ? `${result.rate.unitsSpent} units spent (the run was shorter than one ${result.rate.windowMs / 1000} s rate window)` : `${unitsPerMinute} units/min`;
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
    rate: { ...result.rate, budgetPerMinute, unitsPerMinuteUsed: unitsPerMinute ?? null },
    durationMs: result.durationMs,
    ...(result.delta === undefined ? {} : { delta: result.delta }),
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
    `duration${tag}: ${(result.durationMs / 1000).toFixed(1)} s, rate used ${rateUsed} of a ${budgetPerMinute} units/min budget, ${(result.rate.pausedMs / 1000).toFixed(1)} s paused by 429s`,
    ...delta.line,
    ...authors.line,
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
        ['rate used', `${rateUsed} (budget ${budgetPerMinute} units/min)`],
        ['pauses for 429 (s)', (result.rate.pausedMs / 1000).toFixed(1)],
      ],
    ),
    '',
    result.delivery.requestBytesLowered.length > 0 ? `413 answers lowered the create request bound to ${result.delivery.requestBytesLowered.join(' → ')} bytes.\n` : '',
    ...delta.md,
    ...authors.md,
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
    'rejects.csv': rejectsCsv(rejects),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeLines(join(dir, 'id-map.csv'), idMapLines(result.landed()));
  return { files: [...Object.keys(files), 'id-map.csv'].map((name) => join(dir, name)), lines };
}
