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
  /** Help Scout conversation and thread per done note (0 = unknown). */
  readonly conversation: Float64Array;
  readonly thread: Float64Array;
  /** Notes whose conversation was merged into another one. */
  readonly moved: Map<number, { from: number; to: number }>;
  /** Reason and message per rejected note. */
  readonly rejected: Map<number, { reason: string; message: string }>;
}

export function emptyOutcome(size: number): NoteOutcome {
  return {
    status: new Uint8Array(size),
    conversation: new Float64Array(size),
    thread: new Float64Array(size),
    moved: new Map(),
    rejected: new Map(),
  };
}
