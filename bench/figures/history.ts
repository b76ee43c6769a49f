import { readFileSync } from 'node:fs';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { runCli, type Measured } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { label, shuffledCanonical } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';

interface RunReport {
  readonly counts: { readonly done: number };
  readonly requests: { readonly requests: number; readonly reads: number; readonly writes: number };
  readonly plan: { readonly addNoteRequests: number; readonly createRequests: number; readonly notes: number };
  readonly authors: { readonly threads: { readonly note: number; readonly customer: number; readonly reply: number } };
}

/** Notes of the two live runs (native threads vs notes) in figure 10c–e. */
const RUN_NOTES = 100_000;

/**
 * Figure 10 (issue 17): history that reads like the original. Plan of the 1M canonical CSV with
 * DESIGN §8's columns (authors, kinds, tags, statuses, names) against the same export without
 * them, in the same run; a 100k-note run in policy.threads "native" against the same run as
 * notes: speed, peak RSS and requests per message (native must not cost a request more).
 */
export async function historyFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const plain = shuffledCanonical(sizes.csvNotes);
  const history = shuffledCanonical(sizes.csvNotes, true);
  const planPlain = await runCli('plan', writeConfig(runDir('history-plan-plain'), { format: 'csv', path: plain.csv }, { baseUrl: 'http://127.0.0.1:9' }));
  const planHistory = await runCli('plan', writeConfig(runDir('history-plan'), { format: 'csv', path: history.csv }, { baseUrl: 'http://127.0.0.1:9' }));
  const n = label(sizes.csvNotes);
  log(`plan ${n}: with history columns ${(planHistory.child.wallMs / 1000).toFixed(1)} s, ${planHistory.child.peakRssMb?.toFixed(0) ?? 'n/a'} MB; without ${(planPlain.child.wallMs / 1000).toFixed(1)} s`);

  const small = shuffledCanonical(Math.min(RUN_NOTES, sizes.csvNotes), true);
  const conversations = JSON.parse(readFileSync(small.conversations, 'utf8')) as SeedConversation[];
  const runAs = async (threads: 'notes' | 'native'): Promise<Measured<RunReport>> => {
    const sim = await benchSimulator(conversations, null);
    try {
      const config = writeConfig(runDir(`history-run-${threads}`), { format: 'csv', path: small.csv }, { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0 }, { threads });
      const measured = await runCli<RunReport>('run', config, { env: benchEnv() });
      if (measured.out.counts.done !== small.notes) throw new Error(`run (${threads}): ${measured.out.counts.done} of ${small.notes} done`);
      return measured;
    } finally {
      await sim.close();
    }
  };
  const asNotes = await runAs('notes');
  const native = await runAs('native');
  const perMessage = (r: RunReport): number => r.requests.requests / r.counts.done;
  const t = native.out.authors.threads;
  log(`run ${label(small.notes)}: native ${(native.child.wallMs / 1000).toFixed(1)} s (${t.customer} customer, ${t.reply} replies, ${t.note} notes), as notes ${(asNotes.child.wallMs / 1000).toFixed(1)} s`);
  const speed = (ms: number, notes: number): number => notes / (ms / 1000);
  return [
    figure({
      figure: `10a plan ${n} canonical CSV with history columns`,
      value: speed(planHistory.child.wallMs, history.notes),
      baseline: speed(planPlain.child.wallMs, plain.notes),
      unit: 'notes/s',
      goal: { on: 'ratio', atLeast: 0.9 },
      note: 'baseline: plan of the same export without authorEmail, kind, tags, ticketStatus, customerName, in the same run',
    }),
    figure({ figure: `10b plan ${n} with history columns peak RSS`, value: planHistory.child.peakRssMb ?? Number.NaN, unit: 'MB', goal: { on: 'value', atMost: 256 }, note: `measured from outside (${planHistory.child.rssSource})` }),
    figure({
      figure: `10c run ${label(small.notes)} notes as native threads`,
      value: speed(native.child.wallMs, small.notes),
      baseline: speed(asNotes.child.wallMs, small.notes),
      unit: 'notes/s',
      goal: { on: 'ratio', atLeast: 0.9 },
      note: `baseline: the same export imported as notes, same run; native sent ${t.customer} customer threads, ${t.reply} replies, ${t.note} notes`,
    }),
    figure({
      figure: `10d requests per message, native vs notes`,
      value: perMessage(native.out),
      baseline: perMessage(asNotes.out),
      unit: 'requests/message',
      goal: { on: 'ratio', atMost: 1 },
      note: `native: ${native.out.requests.requests} requests (${native.out.requests.reads} reads, one of them the users page) for ${native.out.counts.done} messages; ${native.out.plan.addNoteRequests} into existing conversations (1 each), ${native.out.plan.createRequests} creates for ${native.out.plan.notes - native.out.plan.addNoteRequests} messages of new tickets`,
    }),
    figure({ figure: `10e run ${label(small.notes)} native peak RSS`, value: native.child.peakRssMb ?? Number.NaN, unit: 'MB', goal: { on: 'value', atMost: 256 }, note: `measured from outside (${native.child.rssSource})` }),
  ];
}
