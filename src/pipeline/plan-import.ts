import { PLAN_BUDGETS, type AccountPlan } from '../config/schema.ts';
import { noteIdOf } from '../mapper/note-key.ts';
import type { ImportConfig } from '../config/load.ts';
import { discardingSink } from '../checkpoint/spool.ts';
import { replayCheckpoint } from '../checkpoint/replay.ts';
import type { Origin, Reject } from '../core/reject.ts';
import { Status } from '../deliver/note-status.ts';
import { resolveConversation } from '../deliver/resolve-conversation.ts';
import type { ClientStats } from '../helpscout/client.ts';
import { buildPlan, type PlanInput } from '../plan/build-plan.ts';
import { priceExistingModes, type ExistingMode, type ExistingModes } from '../plan/existing-modes.ts';
import { assumedFacts, type ConversationFacts } from '../plan/facts.ts';
import { largestLanes } from '../plan/largest-lanes.ts';
import type { PlanCounts, PlannedReject } from '../plan/plan.ts';
import { LinkTally, remoteOptionsFor } from '../attachments/fetch-pass.ts';
import { indexSource } from './index-pass.ts';
import { selectNotes, type Selection } from './selection.ts';
import { settleFromCheckpoint } from './settled.ts';
import { summariseAuthors, type AuthorsSummary } from '../authors/authors-summary.ts';
import { loadUserDirectory } from '../authors/load-directory.ts';
import { deltaSummary, lastPartsOf, type DeltaSummary } from './delta.ts';
import { createdAtTimeline, notesPerConversation, type CountBucket, type Timeline } from './plan-shape.ts';

export interface PlanImportOptions extends Selection {
  /** Read-only GETs to learn real thread counts and merges (counted in the estimate). */
  readonly checkRemote?: boolean;
  /** A newer export against this checkpoint: say what it brings (DESIGN §7). */
  readonly delta?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface Estimate {
  /** `lookups` counts every GET; `users` is the part of them that reads List Users. */
  readonly requests: { readonly lookups: number; readonly users: number; readonly addNote: number; readonly createConversation: number; readonly linkNote: number; readonly total: number };
  readonly units: number;
  /** Minutes at the configured budget, and at each plan's. */
  readonly minutes: number;
  readonly minutesByPlan: Readonly<Record<AccountPlan, number>>;
}

export interface PlanResult {
  readonly simulated: boolean;
  /** true: unknown conversations were assumed empty and where the export says. */
  readonly offline: boolean;
  readonly rowsRead: number;
  readonly notes: number;
  /** Notes an earlier run of this checkpoint already settled (excluded from the plan). */
  readonly settledBefore: number;
  /** With --delta: what the newer export brings. */
  readonly delta?: DeltaSummary;
  readonly plan: PlanCounts;
  readonly estimate: Estimate;
  readonly unitsPerMinute: number;
  /** Rows refused by reader or mapper, in source order. */
  readonly rejects: readonly Reject[];
  /** Notes the planner refuses (no customer email, conversation gone, overflow policy). */
  readonly plannedRejects: readonly (PlannedReject & { readonly ticket: string; readonly id: string; readonly origin: Origin })[];
  /** What `--check-remote` spent asking Help Scout (GETs only). */
  readonly remoteRequests?: ClientStats;
  /** Who wrote the notes to import and their Help Scout users (DESIGN §8). */
  readonly authors: AuthorsSummary & { readonly usersListed?: number; readonly usersFrom: 'help-scout' | 'user-map-only' | 'none' };
  /** Notes per conversation, largest first (the report shows the top). */
  readonly largestLanes: readonly { readonly lane: string; readonly notes: number; readonly requests: number }[];
  /** Conversations (lanes) by how many notes they get, bucketed: the HTML report's histogram. */
  readonly notesPerConversation?: readonly CountBucket[];
  /** The export's notes by the month of their createdAt (one pass over the table's epochs). */
  readonly timeline?: Timeline;
  /** With `source.attachments`: the export's linked files by what the store has (DESIGN §9). */
  readonly attachments?: LinkTally['counts'];
  /** DESIGN §11: append, side and auto priced for the existing conversations, with the whole import's units and minutes under each. */
  readonly existingModes?: ExistingModes & { readonly configured: ExistingMode; readonly estimates: Readonly<Record<ExistingMode, { readonly units: number; readonly minutesByPlan: Readonly<Record<AccountPlan, number>> }>> };
}

/** `hs-import plan`: a true dry run. No writes, ever; no network at all unless `checkRemote`. */
export async function planImport(config: ImportConfig, options: PlanImportOptions = {}): Promise<PlanResult> {
  // Links not stored yet count as files to fetch: plan downloads nothing (DESIGN §9).
  const tally = new LinkTally();
  const indexed = await indexSource(config, discardingSink(), Date.now(), undefined, remoteOptionsFor(config, 'pending', tally));
  const { table } = indexed;
  const replay = replayCheckpoint(config.checkpoint);
  // Looked up once per note (a key is decoded from the table for it), then read from the bytes.
  const status = new Uint8Array(table.size);
  settleFromCheckpoint(table, replay, { status, rejected: new Map() });
  const settled = (note: number): boolean => status[note] !== Status.Pending;
  const selected = selectNotes(table, options);

  const facts = new Map<number, ConversationFacts>();
  // Offline, authors match through source.userMap alone; --check-remote reads the users too.
  let directory = await loadUserDirectory(config, undefined);
  let remoteRequests: ClientStats | undefined;
  let simulated = config.target.simulator !== undefined;
  if (options.checkRemote) {
    // Loaded only here: an offline plan needs neither the HTTP client nor the simulator.
    const { openTarget } = await import('./target.ts');
    const target = await openTarget(config, options.env ? { env: options.env } : {});
    simulated = target.simulator !== undefined;
    try {
      directory = await loadUserDirectory(config, target.client);
      // The last part of each lane an earlier run created too: a delta goes on there.
      const wanted = lastPartsOf(table, (note) => !settled(note) && (!selected || selected(note)), replay);
      for (let note = 0; note < table.size; note++) {
        const c = table.conversation(note);
        if (c !== undefined && !settled(note) && (!selected || selected(note))) wanted.add(c);
      }
      for (const id of wanted) facts.set(id, (await resolveConversation(target.client, id)).facts);
      remoteRequests = { ...target.client.stats };
    } finally {
      await target.close();
    }
  }
  const planInput: PlanInput = {
    table,
    isSettled: settled,
    facts: (id) => facts.get(id) ?? assumedFacts(id),
    history: (laneId) => {
      const lane = replay.lanes.get(laneId);
      return lane && { partsCreated: lane.partsCreated, ...(lane.lastPart === undefined ? {} : { lastPart: lane.lastPart }), pendingLinks: [] };
    },
    ...(selected ? { selected } : {}),
    options: { importId: replay.header?.importId ?? 'plan', mailboxId: config.target.mailboxId, overflow: config.policy.overflow, maxRequestBytes: config.target.maxRequestBytes, existing: config.policy.existing, sideThreshold: config.policy.sideThreshold },
  };
  const plan = buildPlan(planInput);
  const delta = options.delta === true ? deltaSummary(table, config.checkpoint, (note) => status[note] === Status.Done, (note) => !settled(note) && (!selected || selected(note))) : undefined;
  let settledBefore = 0;
  for (let note = 0; note < table.size; note++) if (settled(note)) settledBefore++;

  const c = plan.counts;
  // Offline, the users lookup is counted as one page: how many users there are is not known.
  const usersPages = directory.listed !== undefined ? directory.pagesRead : config.target.users === 'match-email' ? 1 : 0;
  const lookups = remoteRequests?.reads ?? c.lookupRequests + usersPages;
  const plannedOut = new Set(plan.rejects.map((r) => r.note));
  const pending = (note: number): boolean => !settled(note) && (!selected || selected(note)) && !plannedOut.has(note);
  const authors = summariseAuthors(table, directory, config.policy.threads === 'native', pending);
  const writes = c.addNoteRequests + c.createRequests + c.linkRequests;
  const units = lookups + 2 * writes;
  const perMinute = (budget: number): number => units / budget;
  const unitsPerMinute = (config.budget.units * 60_000) / config.budget.windowMs;
  const existingModes = modesPriced(priceExistingModes(planInput, plan.lanes), config.policy.existing, units);
  return {
    simulated,
    offline: !options.checkRemote,
    rowsRead: indexed.rowsRead,
    notes: table.size,
    settledBefore,
    ...(delta === undefined ? {} : { delta }),
    plan: c,
    estimate: {
      requests: { lookups, users: usersPages, addNote: c.addNoteRequests, createConversation: c.createRequests, linkNote: c.linkRequests, total: lookups + writes },
      units,
      minutes: perMinute(unitsPerMinute),
      minutesByPlan: { standard: perMinute(PLAN_BUDGETS.standard), plus: perMinute(PLAN_BUDGETS.plus), pro: perMinute(PLAN_BUDGETS.pro) },
    },
    unitsPerMinute,
    ...(config.source.attachments === undefined ? {} : { attachments: tally.counts }),
    ...(existingModes === undefined ? {} : { existingModes }),
    rejects: indexed.rejects,
    plannedRejects: plan.rejects.map((r) => {
      const key = table.key(r.note);
      const ticket = table.ticket(r.note);
      return { ...r, ticket, id: noteIdOf(key), origin: { file: config.source.path, line: table.line(r.note) } };
    }),
    ...(remoteRequests ? { remoteRequests } : {}),
    authors: { ...authors, ...(directory.listed === undefined ? {} : { usersListed: directory.listed }), usersFrom: directory.listed !== undefined ? 'help-scout' : config.source.userMap !== undefined ? 'user-map-only' : 'none' },
    largestLanes: largestLanes(plan.lanes, 10).map((lane) => ({ lane: lane.id, notes: lane.notes.length, requests: lane.steps.length })),
    notesPerConversation: notesPerConversation(plan.lanes),
    timeline: createdAtTimeline(table.size, (note) => table.epoch(note)),
  };
}

/** The whole import's units under each mode: the same but for the existing conversations' writes (2 units each). */
function modesPriced(modes: ExistingModes, configured: ExistingMode, units: number): PlanResult['existingModes'] {
  if (modes.conversations === 0) return undefined;
  const now = modes.modes.find((m) => m.mode === configured)?.writes ?? 0;
  const estimate = (writes: number): { units: number; minutesByPlan: Record<AccountPlan, number> } => {
    const u = units + 2 * (writes - now);
    return { units: u, minutesByPlan: { standard: u / PLAN_BUDGETS.standard, plus: u / PLAN_BUDGETS.plus, pro: u / PLAN_BUDGETS.pro } };
  };
  const by = (mode: ExistingMode): number => modes.modes.find((m) => m.mode === mode)?.writes ?? 0;
  return { ...modes, configured, estimates: { append: estimate(by('append')), side: estimate(by('side')), auto: estimate(by('auto')) } };
}
