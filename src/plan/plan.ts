import type { ConversationFacts } from './facts.ts';

/** Where a lane's notes go: an existing Help Scout conversation, or new ones for one ticket. */
export type LaneTarget =
  | { readonly kind: 'existing'; readonly facts: ConversationFacts & { kind: 'found' } }
  | { readonly kind: 'new'; readonly ticket: string };

/** Where a create's back-link points: a known conversation, or the one an earlier step creates. */
export type LinkTarget = { readonly kind: 'conversation'; readonly id: number } | { readonly kind: 'step'; readonly step: string };

export type Step =
  | { readonly kind: 'add-note'; readonly id: string; readonly conversation: number; readonly note: number }
  | {
      readonly kind: 'create-conversation';
      readonly id: string;
      /** 1 for a new ticket's first conversation, 2.. for continuations. */
      readonly part: number;
      /** Record indices, oldest first. */
      readonly notes: Int32Array;
      readonly subject: string;
      readonly customerEmail: string;
      readonly mailboxId: number;
      /** Unique to this import and part: finds the conversation again if the create is in doubt. */
      readonly tag: string;
      /** A first thread pointing back at the conversation this one continues. */
      readonly backLink?: LinkTarget;
      /** A side conversation holding an existing conversation's imported history (DESIGN §11). */
      readonly side?: boolean;
    }
  | {
      readonly kind: 'link-note';
      readonly id: string;
      /** The original conversation that gets a note pointing at its continuation. */
      readonly conversation: number;
      readonly continuation: LinkTarget;
      /** A side note (DESIGN §11): every side conversation, and the notes there when the plan knows them. */
      readonly side?: { readonly more: readonly LinkTarget[]; readonly span?: { readonly notes: number; readonly from: number; readonly to: number } };
    };

/** One lane: the notes of one target, delivered in order, one request at a time. */
export interface Lane {
  readonly id: string;
  readonly target: LaneTarget;
  /** Record indices of the notes still to send, oldest first. */
  readonly notes: Int32Array;
  readonly steps: readonly Step[];
}

export interface PlannedReject {
  readonly note: number;
  readonly reason: 'customer_email_missing' | 'conversation_not_found' | 'thread_limit';
  readonly message: string;
}

export interface PlanCounts {
  readonly notes: number;
  readonly lanes: number;
  readonly existingConversations: number;
  readonly newConversations: number;
  readonly continuations: number;
  readonly addNoteRequests: number;
  readonly createRequests: number;
  readonly linkRequests: number;
  readonly lookupRequests: number;
  readonly maxNotesPerLane: number;
  readonly p95NotesPerLane: number;
}

/** A plan's lanes, in the order their first note was read; each is made when it is asked for. */
export interface LaneList extends Iterable<Lane> {
  readonly length: number;
  at(index: number): Lane | undefined;
  /** How many notes lane `index` has, without making the Lane. */
  noteCount(index: number): number;
  /** Whether lane `index` goes into an existing conversation, without making the Lane. */
  isExisting(index: number): boolean;
  /** How many steps lane `index` has as planned, without planning it again. */
  stepCount(index: number): number;
}

export interface Plan {
  readonly lanes: LaneList;
  readonly rejects: readonly PlannedReject[];
  readonly counts: PlanCounts;
}

/** Rate units a step spends: every request here is a write (2 units). */
export const WRITE_UNITS = 2;
export const READ_UNITS = 1;
