import type { ConversationGroups } from './conversation-groups.ts';
import type { LandedColumns } from './landed-columns.ts';
import { MISSING_REASONS, type MissingReason, type Verdict } from './thread-match.ts';

export interface MissingNote {
  readonly key: string;
  /** As the id map names it. */
  readonly conversation: number;
  /** Where it was looked for, when Help Scout merged `conversation` into another. */
  readonly mergedInto?: number;
  readonly reason: MissingReason;
}

export interface DuplicatedNote {
  readonly key: string;
  readonly conversation: number;
  readonly mergedInto?: number;
  /** Imported threads carrying its createdAt and text (more than once). */
  readonly copies: number;
}

export interface UnverifiableNote {
  readonly key: string;
  readonly conversation: number;
}

export interface UnmatchedThread {
  readonly conversation: number;
  readonly thread: number;
}

export interface VerdictCounts {
  /** Found, missing or duplicated: notes whose presence was decided. */
  readonly checked: number;
  readonly found: number;
  readonly missing: number;
  readonly duplicated: number;
  /** No thread id known and not in the current export: nothing to look for. */
  readonly unverifiable: number;
}

/** Outcome codes; 0: not checked (not sampled). */
const FOUND = 1;
const MISSING = 2;
const DUPLICATED = 3;
const UNVERIFIABLE = 4;
const CODE = { found: FOUND, missing: MISSING, duplicated: DUPLICATED, unverifiable: UNVERIFIABLE } as const;

/**
 * What `verify` concluded for each landed note, a byte or two a note: the lists in the report
 * are read back from here and the log's keys, never held as objects (a conversation gone
 * with ten thousand notes is ten thousand missing).
 */
export class Verdicts {
  private readonly outcome: Uint8Array;
  private readonly reason: Uint8Array;
  private readonly copies = new Map<number, number>();
  private readonly unmatchedPairs: number[] = [];
  private readonly counted = [0, 0, 0, 0, 0];

  constructor(
    private readonly landed: LandedColumns,
    private readonly groups: ConversationGroups,
    /** Per conversation of `groups`: where its threads are now (0: gone or not checked). */
    private readonly current: Float64Array,
  ) {
    this.outcome = new Uint8Array(landed.size);
    this.reason = new Uint8Array(landed.size);
  }

  record(note: number, verdict: Verdict): void {
    const code = CODE[verdict.kind];
    this.outcome[note] = code;
    this.counted[code] = (this.counted[code] ?? 0) + 1;
    if (verdict.kind === 'missing') this.reason[note] = MISSING_REASONS.indexOf(verdict.reason);
    if (verdict.kind === 'duplicated') this.copies.set(note, verdict.copies);
  }

  unmatched(conversation: number, thread: number): void {
    this.unmatchedPairs.push(conversation, thread);
  }

  get counts(): VerdictCounts {
    const [, found = 0, missing = 0, duplicated = 0, unverifiable = 0] = this.counted;
    return { checked: found + missing + duplicated, found, missing, duplicated, unverifiable };
  }

  get unmatchedCount(): number {
    return this.unmatchedPairs.length / 2;
  }

  *missingNotes(): Generator<MissingNote> {
    for (const note of this.notesWith(MISSING)) yield { ...this.where(note), reason: MISSING_REASONS[this.reason[note] ?? 0] ?? 'no_matching_thread' };
  }

  *duplicatedNotes(): Generator<DuplicatedNote> {
    for (const note of this.notesWith(DUPLICATED)) yield { ...this.where(note), copies: this.copies.get(note) ?? 2 };
  }

  *unverifiableNotes(): Generator<UnverifiableNote> {
    for (const note of this.notesWith(UNVERIFIABLE)) yield { key: this.landed.key(note), conversation: this.landed.conversation(note) };
  }

  *unmatchedThreads(): Generator<UnmatchedThread> {
    for (let i = 0; i < this.unmatchedPairs.length; i += 2) yield { conversation: this.unmatchedPairs[i] ?? 0, thread: this.unmatchedPairs[i + 1] ?? 0 };
  }

  private *notesWith(code: number): Generator<number> {
    if (this.counted[code] === 0) return;
    for (let note = 0; note < this.outcome.length; note++) if (this.outcome[note] === code) yield note;
  }

  private where(note: number): { key: string; conversation: number; mergedInto?: number } {
    const conversation = this.landed.conversation(note);
    const now = this.current[this.groups.indexOf(conversation)] ?? 0;
    return { key: this.landed.key(note), conversation, ...(now !== 0 && now !== conversation ? { mergedInto: now } : {}) };
  }
}
