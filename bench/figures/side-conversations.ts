import { readFileSync } from 'node:fs';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { canonicalCsv, type CanonicalData } from '../gen/canonical-csv.ts';
import { runCli } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { label, OFFLINE_TARGET } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';

type Mode = 'append' | 'side';

interface RunReport {
  readonly counts: { readonly done: number; readonly rejected: number; readonly inDoubt: number; readonly left: number };
  readonly requests: { readonly requests: number; readonly reads: number; readonly writes: number };
  readonly plan: { readonly addNoteRequests: number; readonly createRequests: number; readonly linkRequests: number; readonly lookupRequests: number };
}

interface Estimate {
  readonly units: number;
  readonly minutesByPlan: { readonly pro: number };
}

interface PlanReport {
  readonly notesToImport: number;
  /** The configured mode's (side's) requests. */
  readonly estimate: { readonly requests: { readonly lookups: number; readonly createConversation: number; readonly linkNote: number; readonly addNote: number } };
  readonly existingModes?: { readonly conversations: number; readonly notes: number; readonly estimates: { readonly append: Estimate; readonly side: Estimate } };
}

/** Notes per existing conversation the issue asks about. */
const PER_CONVERSATION = [10, 40, 250] as const;
/** The size whose side figure has the issue's goal (≤ 0.08 requests a note). */
const GOAL_SIZE = 40;
/** The export the duration estimate is for: 1M notes, 40 to an existing conversation. */
const ESTIMATE_NOTES = 1_000_000;

/** One shuffled export of existing conversations only, `perConversation` notes each (divides both totals). */
function existingExport(perConversation: number, notes: number): CanonicalData {
  return canonicalCsv({ name: `side-${perConversation}-${notes}`, seed: 220 + perConversation, notes, perTicket: perConversation, existingShare: 1, threads: 'few', shuffle: true });
}

/**
 * The real CLI's `run` of `data` into a fresh simulator seeded with its existing conversations, in
 * one `policy.existing` mode; throws unless every note is done (and, for side, unless every
 * existing conversation got its side conversation), so no number comes from a broken run.
 */
async function runMode(data: CanonicalData, perConversation: number, mode: Mode): Promise<RunReport> {
  const conversations = JSON.parse(readFileSync(data.conversations, 'utf8')) as SeedConversation[];
  const sim = await benchSimulator(conversations, null);
  try {
    const config = writeConfig(
      runDir(`side-${perConversation}-${mode}`),
      { format: 'csv', path: data.csv, attribution: false },
      // users "none": no List Users page, so the count is the notes' requests alone.
      { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0, users: 'none' },
      { existing: mode },
    );
    const { out } = await runCli<RunReport>('run', config, { env: benchEnv() });
    const c = out.counts;
    if (c.done !== data.notes || c.rejected !== 0 || c.inDoubt !== 0 || c.left !== 0) {
      throw new Error(`run ${mode}, ${perConversation} notes each: ${c.done} of ${data.notes} notes done (${c.rejected} rejected, ${c.inDoubt} in doubt, ${c.left} left)`);
    }
    if (mode === 'side') {
      const sides = [...sim.state.conversations.values()].filter((conversation) => conversation.subject.startsWith('History: ')).length;
      if (sides < data.existingTickets) throw new Error(`run side, ${perConversation} notes each: ${sides} side conversations for ${data.existingTickets} existing conversations`);
    }
    return out;
  } finally {
    await sim.close();
  }
}

/**
 * Figure 12 (issue 22): requests per note into existing conversations, `policy.existing` "side"
 * against "append" on the same export in the same run, at 10, 40 and 250 notes a conversation
 * (the real CLI against the simulator, counted by the CLI's own run.json); and `plan`'s estimate
 * for 1M notes into existing conversations, 40 each, on a Pro account (800 units a minute).
 */
export async function sideConversationFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const notes = sizes.label === 'full' ? 40_000 : 10_000;
  const figures: Figure[] = [];
  for (const [i, perConversation] of PER_CONVERSATION.entries()) {
    const data = existingExport(perConversation, notes);
    const append = await runMode(data, perConversation, 'append');
    const side = await runMode(data, perConversation, 'side');
    const perNote = (r: RunReport): number => r.requests.requests / r.counts.done;
    const text = (r: RunReport): string => `${r.requests.requests} requests (${r.requests.reads} reads, ${r.requests.writes} writes)`;
    log(`${perConversation} notes each, ${data.existingTickets} conversations: side ${text(side)}, append ${text(append)}, for ${data.notes} notes`);
    const p = side.plan;
    figures.push(
      figure({
        figure: `12${String.fromCharCode(97 + i)} requests per note, existing conversations of ${perConversation} notes: side`,
        value: perNote(side),
        baseline: perNote(append),
        unit: 'requests/note',
        goal: perConversation === GOAL_SIZE ? { on: 'value', atMost: 0.08 } : { on: 'none' },
        note: `${label(data.notes)} notes into ${data.existingTickets} existing conversations (0–8 threads each), real CLI run against the simulator, requests.requests / counts.done of run.json, every note done; side: ${text(side)}, planned ${p.lookupRequests} lookups, ${p.createRequests} creates, ${p.linkRequests} link notes, ${p.addNoteRequests} notes added; baseline: policy.existing "append" on the same export in the same run, ${text(append)}`,
      }),
    );
  }

  // The 1M estimate: plan (offline) with policy.existing "side"; its report prices append and side.
  // In quick mode the export is smaller and the units are scaled to 1M: every conversation is
  // alike (40 notes, existing), and with users "none" no request is fixed per run.
  const planNotes = Math.min(ESTIMATE_NOTES, sizes.label === 'full' ? ESTIMATE_NOTES : sizes.csvNotes);
  const scale = ESTIMATE_NOTES / planNotes;
  const data = existingExport(GOAL_SIZE, planNotes);
  const planned = await runCli<PlanReport>('plan', writeConfig(runDir('side-plan'), { format: 'csv', path: data.csv, attribution: false }, { ...OFFLINE_TARGET, users: 'none' }, { existing: 'side' }));
  const modes = planned.out.existingModes;
  if (modes === undefined || planned.out.notesToImport !== data.notes || modes.notes !== data.notes) {
    throw new Error(`plan of ${data.notes} notes: ${planned.out.notesToImport} notes to import, ${modes?.notes ?? 0} into existing conversations`);
  }
  const pro = (e: Estimate): number => e.minutesByPlan.pro * scale;
  const { side, append } = modes.estimates;
  const r = planned.out.estimate.requests;
  const perConversation = (n: number): string => (n / modes.conversations).toFixed(2);
  log(`plan ${label(data.notes)} notes (${modes.conversations} conversations × ${GOAL_SIZE})${scale === 1 ? '' : `, scaled × ${scale} to 1M`}: side ${side.units} units, ${pro(side).toFixed(1)} min on Pro; append ${append.units} units, ${pro(append).toFixed(1)} min`);
  figures.push(
    figure({
      figure: `12d estimated duration, 1M notes into existing conversations (${GOAL_SIZE} each) on Pro: side`,
      value: pro(side),
      baseline: pro(append),
      unit: 'minutes',
      goal: { on: 'value', atMost: 90 },
      note: `plan.json existingModes.estimates.*.minutesByPlan.pro of an offline plan with policy.existing "side" of ${label(data.notes)} notes in ${modes.conversations} existing conversations${scale === 1 ? '' : `, × ${scale} to 1M (quick mode; every conversation alike, nothing fixed per run with users "none")`}; side ${Math.round(side.units * scale)} units: a conversation takes ${perConversation(r.lookups)} lookup (1 unit), ${perConversation(r.createConversation)} Create Conversation and ${perConversation(r.linkNote)} link note (2 units each), ${perConversation(r.addNote)} notes added; Pro is 800 units a minute; baseline: append, ${Math.round(append.units * scale)} units`,
    }),
  );
  return figures;
}
