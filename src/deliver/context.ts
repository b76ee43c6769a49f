import type { UserDirectory } from '../authors/user-directory.ts';
import type { ConversationFacts } from '../plan/facts.ts';
import type { CheckpointStore } from '../checkpoint/log-writer.ts';
import type { SpoolReader } from '../checkpoint/spool.ts';
import type { HelpScoutClient } from '../helpscout/client.ts';
import type { LaneHistory, PlanOptions } from '../plan/build-plan.ts';
import type { NoteTable } from '../plan/note-table.ts';
import type { ByteBudget } from './byte-budget.ts';
import type { NoteOutcome } from './note-status.ts';

export interface DeliveryStats {
  notesDone: number;
  notesRejected: number;
  notesReconciled: number;
  createsDone: number;
  linksDone: number;
  linksSkipped: number;
  /** Lanes whose remaining notes were re-planned (412, 413, merge). */
  replans: number;
  moved: number;
  /** Every time a 413 lowered the byte bound of create requests. */
  requestBytesLowered: number[];
  inDoubt: number;
  /** Threads this run landed, by type (link notes not counted). */
  threads: { note: number; customer: number; reply: number };
}

export interface DeliveryContext {
  readonly client: HelpScoutClient;
  readonly store: CheckpointStore;
  readonly spool: SpoolReader;
  readonly table: NoteTable;
  readonly outcome: NoteOutcome;
  /** Mutable: a 413 lowers `maxRequestBytes` for the rest of the run. */
  readonly planOptions: { -readonly [K in keyof PlanOptions]: PlanOptions[K] };
  readonly history: (laneId: string) => LaneHistory | undefined;
  /** What the run's lookups learned of a conversation (targets, and the last parts of lanes). */
  readonly facts: (conversation: number) => ConversationFacts;
  readonly tooOld: 'continue' | 'reject';
  /** Status of created conversations; "source": the ticket's own. */
  readonly conversationStatus: 'active' | 'closed' | 'pending' | 'source';
  /** Default Help Scout user of a message whose author maps to none. */
  readonly user?: number;
  readonly users: UserDirectory;
  /** DESIGN §8: every message a note, or customer / reply / note threads as the source had them. */
  readonly threads: 'notes' | 'native';
  readonly stats: DeliveryStats;
  /** Test hook: false sends an in-doubt write again without looking (to prove it is needed). */
  readonly reconcile: boolean;
  readonly maxInDoubtAttempts: number;
  readonly stopping: () => boolean;
  readonly onNoteSettled: () => void;
  /** Request bytes in memory at once across lanes (bodies with attachments are big). */
  readonly bodyBytes: ByteBudget;
}

/** Enough for dozens of ordinary creates at once; a note with a 10 MB file goes one at a time. */
export const BODY_BYTES_IN_FLIGHT = 24 * 1024 * 1024;

export function emptyStats(): DeliveryStats {
  return {
    notesDone: 0,
    notesRejected: 0,
    notesReconciled: 0,
    createsDone: 0,
    linksDone: 0,
    linksSkipped: 0,
    replans: 0,
    moved: 0,
    requestBytesLowered: [],
    inDoubt: 0,
    threads: { note: 0, customer: 0, reply: 0 },
  };
}
