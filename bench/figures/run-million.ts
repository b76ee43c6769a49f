import { readFileSync } from 'node:fs';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { runCli } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { label, shuffledCanonical } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';

/** What figure 8 reads from the CLI's reports/run.json. */
interface RunReport {
  readonly notes: number;
  readonly counts: { readonly done: number; readonly rejected: number; readonly inDoubt: number };
  readonly requests: { readonly requests: number; readonly reads: number; readonly writes: number; readonly rateLimited: number };
}

/**
 * Figure 8 (issue #11): `hs-import run` (compiled, as shipped) imports the same 1M shuffled
 * canonical notes as figure 1 into the embedded simulator with no rate limit. The simulator
 * lives in this process, so the run's peak RSS, measured from outside, is the tool's alone.
 */
export async function runMillionFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const data = shuffledCanonical(sizes.csvNotes);
  const conversations = JSON.parse(readFileSync(data.conversations, 'utf8')) as SeedConversation[];
  const sim = await benchSimulator(conversations, null);
  try {
    const config = writeConfig(runDir('run-million'), { format: 'csv', path: data.csv }, { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0 });
    const { out, child } = await runCli<RunReport>('run', config, { env: benchEnv() });
    const { done, rejected, inDoubt } = out.counts;
    log(`run ${data.notes} notes: ${done} done, ${rejected} rejected, ${inDoubt} in doubt in ${(child.wallMs / 1000).toFixed(0)} s, ${out.requests.requests} requests, peak RSS ${child.peakRssMb?.toFixed(0) ?? 'n/a'} MB`);
    if (done !== data.notes) throw new Error(`run of ${data.notes} notes: ${done} done, ${rejected} rejected, ${inDoubt} in doubt`);
    return [
      figure({
        figure: `8a run ${label(data.notes)} canonical CSV notes, no rate limit`,
        value: done / (child.wallMs / 1000),
        unit: 'notes/s',
        goal: { on: 'none' },
        note: `hs-import run (dist/cli/main.js) against the embedded simulator in the bench process: the whole run (index pass, spool, lookups, plan, delivery, reports) in ${(child.wallMs / 1000).toFixed(0)} s, ${child.cpuSeconds?.toFixed(0) ?? 'n/a'} s CPU; ${data.tickets} tickets, ${data.existingNotes} notes into ${data.existingTickets} existing conversations`,
      }),
      figure({
        figure: `8b run ${label(data.notes)} notes peak RSS`,
        value: child.peakRssMb ?? Number.NaN,
        unit: 'MB',
        goal: { on: 'value', atMost: 256 },
        note: `measured from outside (${child.rssSource}); the simulator is not in this process`,
      }),
      figure({
        figure: `8c run ${label(data.notes)} notes requests per note`,
        value: out.requests.requests / done,
        unit: 'requests/note',
        goal: { on: 'none' },
        note: `${out.requests.requests} requests (${out.requests.reads} reads, ${out.requests.writes} writes, ${out.requests.rateLimited} × 429) for ${done} notes`,
      }),
    ];
  } finally {
    await sim.close();
  }
}
