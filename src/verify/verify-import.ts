import { existsSync } from 'node:fs';
import { landedNotes, type LandedNote } from '../checkpoint/landed.ts';
import { acquireLock } from '../checkpoint/lock.ts';
import { LogWriter } from '../checkpoint/log-writer.ts';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import type { ClientStats, HelpScoutClient, RequestEvent } from '../helpscout/client.ts';
import { openTarget } from '../pipeline/target.ts';
import { ConversationGroups } from './conversation-groups.ts';
import { allThreads, currentConversation, emptyTally, type RequestTally } from './conversation-threads.ts';
import { ExportNotes } from './export-notes.ts';
import { LandedColumns } from './landed-columns.ts';
import { forEachQueued } from './queued.ts';
import { SAMPLE_SEED, sampleConversations } from './sample.ts';
import { matchThreads } from './thread-match.ts';
import { Verdicts, type DuplicatedNote, type MissingNote, type UnmatchedThread, type UnverifiableNote, type VerdictCounts } from './verdicts.ts';

export interface VerifyProgress {
  /** index: reading the export (rows); resolve: Get Conversation; check: List Threads (notes). */
  readonly phase: 'index' | 'resolve' | 'check' | 'finish';
  readonly total: number;
  readonly done: number;
  readonly rateLimited: number;
  readonly paused: boolean;
}

export interface VerifyOptions {
  /** Check this many of the conversations (chosen with SAMPLE_SEED); all of them when absent. */
  readonly sample?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: (progress: VerifyProgress) => void;
  readonly onRequest?: (event: RequestEvent) => void;
  /** A stale lock taken over. */
  readonly onNotice?: (message: string) => void;
}

export interface VerifyResult {
  readonly simulated: boolean;
  readonly baseUrl: string;
  readonly sample?: { readonly conversations: number; readonly seed: number };
  readonly conversations: {
    /** Conversations the landed notes name (the id map's). */
    readonly named: number;
    readonly checked: number;
    /** 404 without a merge to follow: their notes are missing. */
    readonly gone: number;
    /** Merged into another since the log last saw them: followed. */
    readonly merged: number;
  };
  readonly notes: VerdictCounts & { readonly landed: number; readonly inSample: number };
  readonly unmatchedThreads: number;
  /** Thread ids found by createdAt and text, appended to the checkpoint as `found` events. */
  readonly learnedThreads: number;
  /** What was sent (`requests`, reads, writes, 429s, retries) and what bounds it: lookups + merge hops + thread pages. */
  readonly requests: ClientStats & RequestTally & { readonly bound: number };
  readonly durationMs: number;
  /** Every checked note is there exactly once. */
  readonly ok: boolean;
  missing(): Iterable<MissingNote>;
  duplicated(): Iterable<DuplicatedNote>;
  unverifiable(): Iterable<UnverifiableNote>;
  unmatched(): Iterable<UnmatchedThread>;
  /** Every note the import landed, thread ids learned now included: the id map. */
  landed(): Iterable<LandedNote>;
}

/**
 * `hs-import verify` (DESIGN §7): proves from Help Scout's side, with GETs only, that every
 * note the checkpoint records as landed is there exactly once. The one thing it writes to the
 * checkpoint is what it learns: `found` events with thread ids, under the run's lock.
 */
export async function verifyImport(config: ImportConfig, options: VerifyOptions = {}): Promise<VerifyResult> {
  const started = Date.now();
  if (!existsSync(config.checkpoint)) throw nothingImported(`no checkpoint at ${config.checkpoint}`);
  const lock = acquireLock(`${config.checkpoint}.lock`);
  if (lock.takeover) options.onNotice?.(lock.takeover);
  try {
    const landed = LandedColumns.read(config.checkpoint);
    if (landed.size === 0) throw nothingImported(`the checkpoint ${config.checkpoint} records no landed note`);
    const groups = ConversationGroups.of(landed);
    const chosen = sampleConversations(groups.ids, options.sample ?? groups.size);
    let inSample = 0;
    let threadsUnknown = false;
    for (const c of chosen) {
      for (const note of groups.notes(c)) {
        inSample++;
        if (landed.thread(note) === 0) threadsUnknown = true;
      }
    }
    // Only a note without a thread id is looked for by its text: no such note, no export to read.
    const exported = threadsUnknown
      ? await ExportNotes.open(config, landed, (rows) => {
          options.onProgress?.({ phase: 'index', total: rows, done: rows, rateLimited: 0, paused: false });
        })
      : undefined;
    try {
      const target = await openTarget(config, { ...(options.env ? { env: options.env } : {}), ...(options.onRequest ? { onRequest: options.onRequest } : {}) });
      const checking = new ConversationCheck(config, options, target.client, landed, groups, exported, inSample);
      try {
        await checking.run(chosen);
      } finally {
        checking.close();
        await target.close();
      }
      const { verdicts, tally } = checking;
      const counts = verdicts.counts;
      return {
        simulated: target.simulator !== undefined,
        baseUrl: target.baseUrl,
        ...(options.sample === undefined ? {} : { sample: { conversations: chosen.length, seed: SAMPLE_SEED } }),
        conversations: { named: groups.size, checked: chosen.length, gone: checking.gone, merged: checking.merged },
        notes: { landed: landed.size, inSample, ...counts },
        unmatchedThreads: verdicts.unmatchedCount,
        learnedThreads: checking.learned,
        requests: { ...target.client.stats, ...tally, bound: tally.lookups + tally.mergeHops + tally.threadPages },
        durationMs: Date.now() - started,
        ok: counts.missing === 0 && counts.duplicated === 0,
        missing: () => verdicts.missingNotes(),
        duplicated: () => verdicts.duplicatedNotes(),
        unverifiable: () => verdicts.unverifiableNotes(),
        unmatched: () => verdicts.unmatchedThreads(),
        landed: () => landedNotes(config.checkpoint),
      };
    } finally {
      exported?.close();
    }
  } finally {
    lock.release();
  }
}

function nothingImported(why: string): ConfigError {
  return new ConfigError([`checkpoint: nothing imported yet (${why}): run \`hs-import run\` first, then verify`]);
}

/** The two passes over Help Scout: where each conversation is now, then its threads, once per conversation they are in. */
class ConversationCheck {
  readonly tally = emptyTally();
  readonly verdicts: Verdicts;
  /** Per conversation of `groups`: where its threads are now; 0: gone or not in the sample. */
  private readonly current: Float64Array;
  gone = 0;
  merged = 0;
  learned = 0;
  private settledNotes = 0;
  private store: LogWriter | undefined;

  constructor(
    private readonly config: ImportConfig,
    private readonly options: VerifyOptions,
    private readonly client: HelpScoutClient,
    private readonly landed: LandedColumns,
    private readonly groups: ConversationGroups,
    private readonly exported: ExportNotes | undefined,
    private readonly inSample: number,
  ) {
    this.current = new Float64Array(groups.size);
    this.verdicts = new Verdicts(landed, groups, this.current);
  }

  async run(chosen: Int32Array): Promise<void> {
    const { concurrency } = this.config.target;
    let resolved = 0;
    await forEachQueued(chosen, concurrency, async (c) => {
      const id = this.groups.ids[c] ?? 0;
      const now = (await currentConversation(this.client, id, this.tally)) ?? 0;
      this.current[c] = now;
      if (now !== 0 && now !== id) this.merged++;
      resolved += this.groups.notes(c).length;
      this.progress('resolve', resolved);
    });
    // Conversations merged into one are listed once, together: each one's notes would be the other's unmatched threads.
    const { current } = this;
    const byCurrent = Int32Array.from(chosen).sort((a, b) => (current[a] ?? 0) - (current[b] ?? 0) || a - b);
    await forEachQueued(runsOfSame(byCurrent, current), concurrency, (run) => this.check(run));
    this.progress('finish', this.settledNotes);
  }

  /** Closes what it appended (fsync): the next id map reads it. */
  close(): void {
    this.store?.close();
  }

  private async check(conversations: Int32Array): Promise<void> {
    const notes: number[] = [];
    for (const c of conversations) notes.push(...this.groups.notes(c));
    const id = this.current[conversations[0] ?? 0] ?? 0;
    const listed = id === 0 ? undefined : await allThreads(this.client, id, this.tally);
    if (listed === undefined) {
      this.gone += conversations.length;
      for (const note of notes) this.verdicts.record(note, { kind: 'missing', reason: 'conversation_gone' });
    } else {
      const recorded = notes.map((note) => {
        const thread = this.landed.thread(note);
        return { thread, signature: thread === 0 ? this.exported?.signature(note) : undefined };
      });
      const match = matchThreads(recorded, listed.threads);
      const keys: string[] = [];
      const threads: number[] = [];
      match.verdicts.forEach((verdict, i) => {
        const note = notes[i] ?? 0;
        this.verdicts.record(note, verdict);
        if (verdict.kind === 'found' && verdict.learned) {
          keys.push(this.landed.key(note));
          threads.push(verdict.thread);
        }
      });
      for (const thread of match.unmatched) this.verdicts.unmatched(listed.conversation, thread);
      if (keys.length > 0) {
        this.store ??= new LogWriter(this.config.checkpoint);
        this.store.append({ t: 'found', conversation: listed.conversation, keys, threads, at: Date.now() });
        this.learned += keys.length;
      }
    }
    this.settledNotes += notes.length;
    this.progress('check', this.settledNotes);
  }

  private progress(phase: VerifyProgress['phase'], done: number): void {
    this.options.onProgress?.({
      phase,
      total: this.inSample,
      done,
      rateLimited: this.client.stats.rateLimited,
      paused: this.client.limiter.paused,
    });
  }
}

/** The runs of conversations that are now the same one (`order` sorted by where they are now). */
function* runsOfSame(order: Int32Array, current: Float64Array): Generator<Int32Array> {
  let from = 0;
  for (let i = 1; i <= order.length; i++) {
    if (i === order.length || current[order[i] ?? 0] !== current[order[from] ?? 0]) {
      yield order.subarray(from, i);
      from = i;
    }
  }
}
