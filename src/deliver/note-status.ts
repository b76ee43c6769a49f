import { WideColumn } from '../core/wide-column.ts';

/** Where each note of the table stands, in a byte per note. */
export const enum Status {
  Pending = 0,
  Done = 1,
  Rejected = 2,
  InDoubt = 3,
}

const STATUSES = [Status.Pending, Status.Done, Status.Rejected, Status.InDoubt] as const;

/** The status byte of one note, typed (a byte outside the enum cannot be written, so reads as pending). */
export function statusOf(outcome: NoteOutcome, note: number): Status {
  return STATUSES[outcome.status[note] ?? 0] ?? Status.Pending;
}

export interface NoteOutcome {
  readonly status: Uint8Array;
  /** Help Scout conversation and thread per done note (0 = unknown): 4 bytes each, exact past 2^32. */
  readonly conversation: WideColumn;
  readonly thread: WideColumn;
  /** Notes whose conversation was merged into another one. */
  readonly moved: Map<number, { from: number; to: number }>;
  /** Reason and message per rejected note. */
  readonly rejected: Map<number, { reason: string; message: string }>;
}

export function emptyOutcome(size: number): NoteOutcome {
  return {
    status: new Uint8Array(size),
    conversation: new WideColumn(),
    thread: new WideColumn(),
    moved: new Map(),
    rejected: new Map(),
  };
}

/**
 * Thread ids of the notes done in a conversation: notes of ours, never mistaken for an in-doubt
 * one. Found by a scan when a write is in doubt (rare), not kept per conversation: a set per
 * conversation held a million thread ids through a 1M-note run.
 */
export function threadsIn(outcome: NoteOutcome, conversation: number): Set<number> {
  const threads = new Set<number>();
  for (let note = 0; note < outcome.status.length; note++) {
    const thread = outcome.thread.get(note);
    if (thread !== 0 && outcome.conversation.get(note) === conversation) threads.add(thread);
  }
  return threads;
}
