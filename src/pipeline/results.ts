import type { SpoolReader } from '../checkpoint/spool.ts';
import { noteIdOf } from '../mapper/note-key.ts';
import type { Reject, RejectReason } from '../core/reject.ts';
import { Status, statusOf, type NoteOutcome } from '../deliver/note-status.ts';
import type { NoteTable } from '../plan/note-table.ts';

interface NoteIdentity {
  readonly key: string;
  readonly ticket: string;
  readonly id: string;
}

/** How one note ended. `moved` is a done note whose conversation was merged into another. */
export type NoteResult = NoteIdentity &
  (
    | { readonly status: 'done'; readonly conversation: number; readonly thread?: number }
    | { readonly status: 'moved'; readonly conversation: number; readonly thread?: number; readonly from: number }
    | { readonly status: 'rejected'; readonly reason: string; readonly message: string }
    | { readonly status: 'in-doubt' }
    | { readonly status: 'left' }
  );

/**
 * One result per note, in source order. Every result is a plain literal of a fixed shape: the
 * same results built by spreading (`{ ...identity, ...where }`) took 9 s and 150 MB of heap for
 * a million notes at the end of a run, against well under a second and a few MB this way.
 */
export function* noteResults(table: NoteTable, outcome: NoteOutcome): Generator<NoteResult> {
  for (let note = 0; note < table.size; note++) {
    const key = table.key(note);
    const ticket = table.ticket(note);
    const id = noteIdOf(key);
    const status = statusOf(outcome, note);
    if (status === Status.Done) {
      const conversation = outcome.conversation.get(note);
      const thread = outcome.thread.get(note) || undefined;
      const moved = outcome.moved.get(note);
      if (moved) {
        yield thread === undefined ? { key, ticket, id, status: 'moved', conversation, from: moved.from } : { key, ticket, id, status: 'moved', conversation, thread, from: moved.from };
      } else {
        yield thread === undefined ? { key, ticket, id, status: 'done', conversation } : { key, ticket, id, status: 'done', conversation, thread };
      }
    } else if (status === Status.Rejected) {
      const { reason, message } = outcome.rejected.get(note) ?? { reason: 'api_rejected', message: '' };
      yield { key, ticket, id, status: 'rejected', reason, message };
    } else if (status === Status.InDoubt) {
      yield { key, ticket, id, status: 'in-doubt' };
    } else {
      yield { key, ticket, id, status: 'left' };
    }
  }
}

/** Notes refused after they were read (planner, Help Scout), with their original fields from the spool. */
export function settledRejects(table: NoteTable, outcome: NoteOutcome, spool: SpoolReader): Reject[] {
  const rejects: Reject[] = [];
  for (const [note, { reason, message }] of outcome.rejected) {
    const payload = spool.read(table.spool(note));
    const key = table.key(note);
    rejects.push({
      reason: reason as RejectReason,
      message,
      origin: payload.origin,
      ticket: table.ticket(note),
      id: noteIdOf(key),
      fields: payload.fields,
    });
  }
  return rejects.sort((a, b) => a.origin.line - b.origin.line);
}
