import { appendFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { runCli } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { label, shuffledCanonical } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';

interface RunReport {
  readonly counts: { readonly done: number; readonly rejected: number; readonly inDoubt: number };
  readonly delta?: { readonly importedBefore: number; readonly newInKnownTickets: number; readonly newInNewTickets: number };
}

interface VerifyReport {
  readonly ok: boolean;
  readonly notes: { readonly checked: number; readonly found: number };
  readonly conversations: { readonly checked: number };
  readonly requests: { readonly requests: number; readonly bound: number; readonly lookups: number; readonly threadPages: number; readonly mergeHops: number };
}

const DELTA_NOTES = 10_000;
const NOTES_PER_NEW_TICKET = 5;

/** The newer export's extra rows: 10k notes in 2k tickets the first export did not have. */
function deltaRows(): string {
  const lines: string[] = [];
  for (let i = 0; i < DELTA_NOTES; i++) {
    const ticket = 9_000_000 + Math.floor(i / NOTES_PER_NEW_TICKET);
    const at = new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
    lines.push(`${ticket},${80_000_000 + i},${at},delta note ${i} of a ticket opened after the first export,,customer${ticket}@example.com,Delta ticket ${ticket},Dee Delta`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Figure 9 (issue 16): a migration after its first run. The 1M-note export is imported (figure
 * 8's data), then a newer export with 10k more notes: `plan --delta` against the 1M-note
 * checkpoint vs `plan` of the same export with no checkpoint; peak RSS of plan --delta, run
 * --delta and verify; verify's requests against its bound (conversations + thread pages + hops).
 */
export async function deltaFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const data = shuffledCanonical(sizes.csvNotes);
  const conversations = JSON.parse(readFileSync(data.conversations, 'utf8')) as SeedConversation[];
  const sim = await benchSimulator(conversations, null);
  try {
    const target = { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0 };
    const dir = runDir('delta');
    const exportPath = join(dir, 'export.csv');
    copyFileSync(data.csv, exportPath);
    const config = writeConfig(dir, { format: 'csv', path: exportPath }, target);
    const first = await runCli<RunReport>('run', config, { env: benchEnv() });
    log(`first run: ${first.out.counts.done} of ${data.notes} notes in ${(first.child.wallMs / 1000).toFixed(0)} s`);

    appendFileSync(exportPath, deltaRows());
    const fresh = writeConfig(runDir('delta-fresh'), { format: 'csv', path: exportPath }, target);
    const planFresh = await runCli('plan', fresh, { env: benchEnv() });
    const planDelta = await runCli('plan', config, { env: benchEnv(), flags: ['--delta'] });
    const runDelta = await runCli<RunReport>('run', config, { env: benchEnv(), flags: ['--delta'] });
    if (runDelta.out.counts.done !== data.notes + DELTA_NOTES) throw new Error(`run --delta: ${runDelta.out.counts.done} done of ${data.notes + DELTA_NOTES}`);
    const verify = await runCli<VerifyReport>('verify', config, { env: benchEnv() });
    const v = verify.out;
    if (!v.ok) throw new Error(`verify after the delta: not ok (${v.notes.found} of ${v.notes.checked} found)`);
    log(`plan --delta ${(planDelta.child.wallMs / 1000).toFixed(1)} s vs plan ${(planFresh.child.wallMs / 1000).toFixed(1)} s; run --delta ${(runDelta.child.wallMs / 1000).toFixed(0)} s; verify ${(verify.child.wallMs / 1000).toFixed(0)} s, ${v.requests.requests} requests`);
    const rss = (name: string, child: typeof planDelta.child, note: string): Figure =>
      figure({ figure: name, value: child.peakRssMb ?? Number.NaN, unit: 'MB', goal: { on: 'value', atMost: 256 }, note: `${note}; measured from outside (${child.rssSource})` });
    const n = label(data.notes);
    return [
      figure({
        figure: `9a plan --delta of ${n} + 10k notes against the ${n} checkpoint`,
        value: planDelta.child.wallMs,
        baseline: planFresh.child.wallMs,
        unit: 'ms',
        goal: { on: 'ratio', atMost: 1.2 },
        note: `baseline: plan of the same export with no checkpoint, in the same run; the delta settles ${n} notes from the log and compares their content hashes`,
      }),
      rss(`9b plan --delta ${n} peak RSS`, planDelta.child, 'hs-import plan --delta (dist)'),
      rss(`9c run --delta ${n} peak RSS`, runDelta.child, `hs-import run --delta (dist): index pass, settle, 10k notes delivered, id map of ${n + ' + 10k'} notes, in ${(runDelta.child.wallMs / 1000).toFixed(0)} s`),
      rss(`9d verify ${n} notes peak RSS`, verify.child, `hs-import verify (dist) of ${v.notes.checked} notes in ${v.conversations.checked} conversations in ${(verify.child.wallMs / 1000).toFixed(0)} s`),
      figure({
        figure: `9e verify requests vs conversations + thread pages + merge hops`,
        value: v.requests.requests,
        baseline: v.requests.bound,
        unit: 'requests',
        goal: { on: 'ratio', atMost: 1 },
        note: `${v.requests.lookups} conversation GETs, ${v.requests.threadPages} thread pages, ${v.requests.mergeHops} merge hops for ${v.conversations.checked} conversations`,
      }),
    ];
  } finally {
    await sim.close();
  }
}
