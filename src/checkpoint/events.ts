/** One line of the append-only checkpoint log. Field names are short: a big import writes millions. */
export type CheckpointEvent = HeaderEvent | IndexedEvent | IntentEvent | DoneEvent | AbortedEvent | RejectedEvent | MovedEvent | FoundEvent;

export type StepKind = 'add-note' | 'create-conversation' | 'link-note';

/** Where the export sends a note: a Help Scout conversation it names, or a new one. */
export type TargetKind = 'existing' | 'new';

export function targetKindOf(conversation: number | undefined): TargetKind {
  return conversation === undefined ? 'new' : 'existing';
}

export const EVENT_TYPES = ['header', 'indexed', 'intent', 'done', 'aborted', 'rejected', 'moved', 'found'] as const;

/** One input file as it was when the import started. */
export interface FileFingerprint {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface HeaderEvent {
  readonly t: 'header';
  readonly v: 1;
  /** Stable for the whole import: part of every tag the tool puts on a conversation. */
  readonly importId: string;
  readonly config: string;
  readonly input: string;
  /** What `config` hashes (no secrets live in the config), to say what changed on resume. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly files?: readonly FileFingerprint[];
  /** A later header: a run resumed with --force despite changes; its fingerprints are current. */
  readonly forced?: boolean;
  /** A later header: a run with --delta read a newer export; its fingerprints are current. */
  readonly delta?: boolean;
  readonly at: string;
}

/** After pass 1 of a run: how much the export holds, so `status` can tell what is left offline. */
export interface IndexedEvent {
  readonly t: 'indexed';
  readonly rows: number;
  readonly notes: number;
  /** Rows the reader or mapper refused (not logged one by one: they are recomputed every run). */
  readonly inputRejects: number;
  /** Indexed notes per target kind, for `status` to tell what is left of each. */
  readonly byTarget?: Readonly<Record<TargetKind, number>>;
  readonly at: number;
}

/** Written and flushed before the request is sent. Carries what reconciliation needs. */
export interface IntentEvent {
  readonly t: 'intent';
  readonly step: string;
  readonly kind: StepKind;
  readonly lane: string;
  readonly keys: readonly string[];
  /** add-note / link-note: the conversation written to. */
  readonly conversation?: number;
  /** add-note: createdAt and text fingerprint of the note, to find it among the threads. */
  readonly createdAt?: string;
  readonly fp?: string;
  /** create-conversation: the unique tag and the mailbox to search. */
  readonly tag?: string;
  readonly mailboxId?: number;
  readonly part?: number;
  /** create-conversation continuing an existing one: the original, which gets a link note. */
  readonly linkFrom?: number;
  /** create-conversation of a side conversation (DESIGN §11): the existing conversation whose history it holds. */
  readonly sideOf?: number;
  /** link-note: the continuation it points at. */
  readonly continuation?: number;
  /** Content hashes (core/content-hash.ts) of the notes as sent, in the order of `keys`: a delta tells edited notes by them. */
  readonly h?: readonly number[];
  readonly at: number;
}

/** Only after Help Scout acknowledged (or reconciliation found the write). */
export interface DoneEvent {
  readonly t: 'done';
  readonly step: string;
  readonly kind: StepKind;
  readonly lane: string;
  readonly keys: readonly string[];
  readonly conversation: number;
  /** Thread ids (`Resource-ID`) where known, in the order of `keys`. */
  readonly threads?: readonly number[];
  readonly part?: number;
  readonly linkFrom?: number;
  readonly sideOf?: number;
  /** link-note: the continuation it points at. */
  readonly continuation?: number;
  readonly via?: 'ack' | 'reconciled';
  /** As in the intent. */
  readonly h?: readonly number[];
  readonly at: number;
}

/** Nothing was stored: the server refused (4xx), or the intent was logged ahead and never sent. No longer in doubt. */
export interface AbortedEvent {
  readonly t: 'aborted';
  readonly step: string;
  readonly reason: string;
  readonly at: number;
}

export interface RejectedEvent {
  readonly t: 'rejected';
  readonly key: string;
  readonly reason: string;
  readonly message: string;
  readonly target?: TargetKind;
  readonly at: number;
}

export interface MovedEvent {
  readonly t: 'moved';
  readonly from: number;
  readonly to: number;
  readonly at: number;
}

/** `verify` found the threads of landed notes whose thread ids were not known: for the id map. */
export interface FoundEvent {
  readonly t: 'found';
  readonly conversation: number;
  readonly keys: readonly string[];
  readonly threads: readonly number[];
  readonly at: number;
}
