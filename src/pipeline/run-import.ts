import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { targetKindOf, type HeaderEvent, type TargetKind } from '../checkpoint/events.ts';
import { acquireLock } from '../checkpoint/lock.ts';
import { landedNotes, type LandedNote } from '../checkpoint/landed.ts';
import { LogWriter } from '../checkpoint/log-writer.ts';
import { replayCheckpoint, type ReplayedState } from '../checkpoint/replay.ts';
import { unwritable } from '../checkpoint/unwritable.ts';
import { fetchAttachments, type FetchSummary } from '../attachments/fetch-pass.ts';
import { SpoolReader } from '../checkpoint/spool.ts';
import type { ImportConfig } from '../config/load.ts';
import { summariseAuthors, type AuthorsSummary } from '../authors/authors-summary.ts';
import { loadUserDirectory } from '../authors/load-directory.ts';
import { ConfigError } from '../core/errors.ts';
import type { Reject } from '../core/reject.ts';
import { BODY_BYTES_IN_FLIGHT, emptyStats, type DeliveryContext, type DeliveryStats } from '../deliver/context.ts';
import { ByteBudget } from '../deliver/byte-budget.ts';
import { deliverPlan } from '../deliver/deliver.ts';
import { emptyOutcome, Status, statusOf } from '../deliver/note-status.ts';
import type { ClientStats, RequestEvent } from '../helpscout/client.ts';
import type { RateLimiterStats } from '../helpscout/rate-limiter.ts';
import type { SharedBudgetSummary } from '../helpscout/shared-budget.ts';
import { buildPlan, type LaneHistory } from '../plan/build-plan.ts';
import type { ConversationFacts } from '../plan/facts.ts';
import type { NoteTable } from '../plan/note-table.ts';
import type { PlanCounts } from '../plan/plan.ts';
import { describeChanges, fingerprintsOf, targetChanges, type Fingerprints } from './fingerprints.ts';
import { deltaSummary, lastPartsOf, type DeltaSummary } from './delta.ts';
import { indexOnce } from './index-once.ts';
import { noteResults, settledRejects, type NoteResult } from './results.ts';
import { selectNotes, type Selection } from './selection.ts';
import { settleFromCheckpoint } from './settled.ts';
import { openTarget } from './target.ts';
import { lookupFacts } from './lookup-facts.ts';
import { settleInDoubt } from './settle-in-doubt.ts';
import { RateWindowRecorder, type RateWindows } from './rate-windows.ts';

export interface RunProgress {
  readonly phase: 'fetch' | 'index' | 'reconcile' | 'lookup' | 'deliver' | 'finish';
  readonly total: number;
  readonly done: number;
  readonly rejected: number;
  readonly rateLimited: number;
  readonly paused: boolean;
}

export interface RunOptions extends Selection {
  readonly env?: NodeJS.ProcessEnv;
  /** Resume even though the config or the input changed since the checkpoint was started. */
  readonly force?: boolean;
  /** A newer export of the same source against this checkpoint (DESIGN §7). */
  readonly delta?: boolean;
  /** Ctrl-C: stop taking new steps, let in-flight requests finish, flush. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly onRequest?: (event: RequestEvent) => void;
  /** Things a person should know that are not errors: a stale lock taken over, a torn line. */
  readonly onNotice?: (message: string) => void;
  /** Test hook: false skips reconciliation, to prove it is what prevents duplicates. */
  readonly reconcile?: boolean;
  /** Bench hook: false turns off fsync of the checkpoint. */
  readonly checkpointSync?: boolean;
}

export interface RunResult {
  readonly simulated: boolean;
  readonly baseUrl: string;
  readonly interrupted: boolean;
  readonly rowsRead: number;
  /** The export was not parsed again: pass 1's index and spool from an earlier run were reused. */
  readonly indexReused: boolean;
  readonly notes: number;
  readonly counts: { readonly done: number; readonly rejected: number; readonly inDoubt: number; readonly left: number; readonly doneBefore: number; readonly reconciledAtStart: number };
  readonly plan: PlanCounts;
  readonly delivery: DeliveryStats;
  readonly requests: ClientStats;
  readonly rate: RateLimiterStats & { readonly unitsPerWindow: number; readonly windowMs: number };
  /** With target.sharedBudget: the key, how many processes shared it, each one's share (DESIGN §10). */
  readonly sharedBudget?: SharedBudgetSummary;
  readonly durationMs: number;
  /** Authors of the export's landed notes and their users; thread types as this run sent them. */
  readonly authors: AuthorsSummary;
  /** With --delta: what the newer export brought (counted before delivery). */
  readonly delta?: DeltaSummary;
  /** With `source.attachments`: what the fetch before the index did (DESIGN §9). */
  readonly attachments?: FetchSummary;
  /** Every reject: rows the reader or mapper refused, and notes refused later (planner, Help Scout). */
  readonly rejects: readonly Reject[];
  /** Units, 429s and notes per rate window of the server's clock, as the run recorded them (also kept in `<checkpoint>.windows.json`). */
  readonly rateWindows?: RateWindows;
  /** One discriminated result per note of this export: done | moved | rejected | in-doubt | left. */
  results(): Iterable<NoteResult>;
  /** Every note the import ever landed, all runs and deltas, from the checkpoint: the id map. */
  landed(): Iterable<LandedNote>;
}

/** `hs-import run`: index the export, settle what an earlier run left in doubt, plan, deliver. */
export async function runImport(config: ImportConfig, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const notice = options.onNotice ?? (() => undefined);
  try {
    mkdirSync(dirname(config.checkpoint), { recursive: true });
  } catch (error) {
    throw unwritable('the checkpoint folder', dirname(config.checkpoint), error, 'nothing was sent');
  }
  const lock = acquireLock(`${config.checkpoint}.lock`);
  if (lock.takeover) notice(lock.takeover);
  try {
    let replay = replayCheckpoint(config.checkpoint);
    if (replay.tornLine !== undefined) notice(`checkpoint line ${replay.tornLine} was cut short by a crash and is ignored`);
    const fingerprints = await fingerprintsOf(config);
    const changes = replay.currentHeader ? describeChanges(replay.currentHeader, fingerprints) : [];
    checkChanges(config, replay, fingerprints, changes, options);
    if (options.delta === true && !replay.header) notice(`no checkpoint yet at ${config.checkpoint}: --delta runs as an ordinary first import`);
    const store = new LogWriter(config.checkpoint, { sync: options.checkpointSync ?? true });
    const importId = replay.header?.importId ?? randomBytes(4).toString('hex');
    const mode = changes.length === 0 ? undefined : options.delta === true ? 'delta' : 'forced';
    if (!replay.header || mode !== undefined) store.append(headerEvent(importId, fingerprints, mode));
    if (mode === 'forced') notice(`resuming with --force despite: ${changes.join('; ')}`);
    if (mode === 'delta') notice(`delta: a newer export against this import (${changes.join('; ')})`);
    // Recorded as the run goes, beside the checkpoint and bounded in size: the run report's rate windows.
    const windows = new RateWindowRecorder({ windowMs: config.budget.windowMs, budget: config.budget.units, path: `${config.checkpoint}.windows.json` });
    const onRequest = (event: RequestEvent): void => {
      windows.request(event);
      options.onRequest?.(event);
    };
    const target = await openTarget(config, { ...(options.env ? { env: options.env } : {}), onRequest, onNotice: notice });
    const { client } = target;
    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    // Beside the checkpoint and named after it: two imports sharing a state folder never share a spool.
    const spoolPath = `${config.checkpoint}.spool`;
    let spool: SpoolReader | undefined;
    try {
      // DESIGN §9: linked files into the store before the index reads the store for them.
      const attachments =
        config.source.attachments === undefined
          ? undefined
          : await fetchAttachments(config, {
              retryFailed: false,
              ...(options.env ? { env: options.env } : {}),
              ...(options.signal ? { signal: options.signal } : {}),
              onProgress: (p) => {
                progress(options, 'fetch', p.total, p.done, p.failed, 0, false);
              },
            });
      progress(options, 'index', 0, 0, 0, client.stats.rateLimited, false);
      const { indexed, reused: indexReused } = await indexOnce(config, fingerprints, spoolPath, (rows) => {
        progress(options, 'index', rows, 0, 0, 0, false);
      });
      const { table } = indexed;
      store.append({ t: 'indexed', rows: indexed.rowsRead, notes: table.size, inputRejects: indexed.rejects.length, byTarget: notesByTarget(table), at: Date.now() });
      spool = new SpoolReader(spoolPath);
      // Before anything is written: a user map naming a user the account lacks stops the run here.
      const users = await loadUserDirectory(config, client);
      const outcome = emptyOutcome(table.size);

      let reconciledAtStart = 0;
      if (replay.inDoubt.size > 0) {
        progress(options, 'reconcile', replay.inDoubt.size, 0, 0, client.stats.rateLimited, false);
        reconciledAtStart = await settleInDoubt(config, replay, store, client, options.reconcile ?? true);
        replay = replayCheckpoint(config.checkpoint);
      }
      const doneBefore = settleFromCheckpoint(table, replay, outcome);
      const delta = options.delta === true ? deltaSummary(table, config.checkpoint, (note) => outcome.status[note] === Status.Done, (note) => outcome.status[note] === Status.Pending) : undefined;
      const selected = selectNotes(table, options);

      progress(options, 'lookup', 0, 0, 0, client.stats.rateLimited, false);
      const facts = await lookupFacts(client, table, outcome, selected, lastPartsOf(table, (note) => outcome.status[note] === Status.Pending && (!selected || selected(note)), replay), store, config.target.concurrency);
      const history = laneHistory(replay);
      const planOptions = { importId, mailboxId: config.target.mailboxId, overflow: config.policy.overflow, maxRequestBytes: config.target.maxRequestBytes, existing: config.policy.existing, sideThreshold: config.policy.sideThreshold };
      const lookedUp = (id: number): ConversationFacts => facts.get(id) ?? { kind: 'not-found', requested: id };
      const plan = buildPlan({
        table,
        isSettled: (note) => outcome.status[note] !== Status.Pending,
        facts: lookedUp,
        history,
        ...(selected ? { selected } : {}),
        owedLinks: owedLinks(replay),
        options: planOptions,
      });
      for (const r of plan.rejects) {
        outcome.status[r.note] = Status.Rejected;
        outcome.rejected.set(r.note, { reason: r.reason, message: r.message });
        store.append({ t: 'rejected', key: table.key(r.note), reason: r.reason, message: r.message, target: targetKindOf(table.conversation(r.note)), at: Date.now() });
      }

      const stats = emptyStats();
      const report = (): void => {
        windows.notesDone(stats.notesDone);
        progress(options, 'deliver', plan.counts.notes, stats.notesDone, stats.notesRejected + plan.rejects.length, client.stats.rateLimited, client.limiter.paused);
      };
      const ctx: DeliveryContext = {
        client,
        store,
        spool,
        table,
        outcome,
        planOptions: { ...planOptions },
        history,
        facts: lookedUp,
        tooOld: config.policy.tooOld,
        conversationStatus: config.target.status,
        users,
        threads: config.policy.threads,
        ...(config.target.user === undefined ? {} : { user: config.target.user }),
        stats,
        reconcile: options.reconcile ?? true,
        maxInDoubtAttempts: 6,
        stopping: () => stopped,
        onNoteSettled: report,
        bodyBytes: new ByteBudget(BODY_BYTES_IN_FLIGHT),
      };
      report();
      await deliverPlan(ctx, plan, config.target.concurrency, stop);
      progress(options, 'finish', plan.counts.notes, stats.notesDone, stats.notesRejected + plan.rejects.length, client.stats.rateLimited, false);

      const count = (status: Status): number => {
        let n = 0;
        for (let note = 0; note < outcome.status.length; note++) if (statusOf(outcome, note) === status) n++;
        return n;
      };
      const finalSpool = spool;
      windows.notesDone(stats.notesDone);
      const rateWindows = windows.flush();
      return {
        simulated: target.simulator !== undefined,
        baseUrl: target.baseUrl,
        interrupted: stopped && options.signal?.aborted === true,
        rowsRead: indexed.rowsRead,
        indexReused,
        notes: table.size,
        counts: {
          done: count(Status.Done),
          rejected: count(Status.Rejected) + indexed.rejects.length,
          inDoubt: count(Status.InDoubt),
          left: count(Status.Pending),
          doneBefore,
          reconciledAtStart,
        },
        plan: plan.counts,
        delivery: stats,
        requests: { ...client.stats },
        rate: { ...client.limiter.stats, unitsPerWindow: config.budget.units, windowMs: config.budget.windowMs },
        ...(target.sharedBudget ? { sharedBudget: target.sharedBudget.summary() } : {}),
        durationMs: Date.now() - started,
        ...(delta === undefined ? {} : { delta }),
        ...(attachments === undefined ? {} : { attachments }),
        authors: { ...summariseAuthors(table, users, config.policy.threads === 'native', (note) => statusOf(outcome, note) === Status.Done), threads: stats.threads },
        rejects: [...indexed.rejects, ...settledRejects(table, outcome, finalSpool)],
        rateWindows,
        results: () => noteResults(table, outcome),
        landed: () => landedNotes(config.checkpoint),
      };
    } finally {
      spool?.close();
      store.close();
      await target.close();
    }
  } finally {
    lock.release();
  }
}

function progress(options: RunOptions, phase: RunProgress['phase'], total: number, done: number, rejected: number, rateLimited: number, paused: boolean): void {
  options.onProgress?.({ phase, total, done, rejected, rateLimited, paused });
}

/**
 * A changed config or input continues the import only as a delta (a newer export of the same
 * source) or with --force; another account or mailbox is another import, delta or not.
 */
function checkChanges(config: ImportConfig, replay: ReplayedState, fingerprints: Fingerprints, changes: readonly string[], options: RunOptions): void {
  if (changes.length === 0 || !replay.currentHeader) return;
  const otherTarget = targetChanges(replay.currentHeader, fingerprints);
  if (options.delta === true && otherTarget.length > 0) {
    throw new ConfigError([
      ...otherTarget.map((change) => `checkpoint: ${change} since this import started`),
      `checkpoint: a delta goes where the import went; another account or mailbox is another import: give it a new checkpoint path (not ${config.checkpoint})`,
    ]);
  }
  if (options.delta === true || options.force === true) return;
  throw new ConfigError([
    ...changes.map((change) => `checkpoint: ${change} since this import started`),
    'checkpoint: resume with the original config and files; for a newer export of the same source pass --delta; for a new import use a new checkpoint path (or --force to continue anyway)',
  ]);
}

function headerEvent(importId: string, fingerprints: Fingerprints, mode: 'forced' | 'delta' | undefined): HeaderEvent {
  const { config, input, settings, files } = fingerprints;
  return { t: 'header', v: 1, importId, config, input, settings, files, ...(mode === 'forced' ? { forced: true } : mode === 'delta' ? { delta: true } : {}), at: new Date().toISOString() };
}

function notesByTarget(table: NoteTable): Record<TargetKind, number> {
  const counts = { existing: 0, new: 0 };
  for (let note = 0; note < table.size; note++) counts[targetKindOf(table.conversation(note))]++;
  return counts;
}

/** Lanes whose original still waits for a link note to a conversation the import created. */
function owedLinks(replay: ReplayedState): string[] {
  return [...replay.lanes].filter(([, lane]) => [...lane.continuations.values()].some((c) => !c.linked)).map(([id]) => id);
}

function laneHistory(replay: ReplayedState): (laneId: string) => LaneHistory | undefined {
  return (laneId) => {
    const lane = replay.lanes.get(laneId);
    if (!lane) return undefined;
    const pendingLinks = [...lane.continuations].filter(([, c]) => !c.linked).map(([id]) => id);
    return { partsCreated: lane.partsCreated, ...(lane.lastPart === undefined ? {} : { lastPart: lane.lastPart }), pendingLinks, ...(lane.side === true ? { side: true } : {}) };
  };
}
