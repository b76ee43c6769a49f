import type { ReplayedState } from '../checkpoint/replay.ts';
import { Status, type NoteOutcome } from '../deliver/note-status.ts';
import type { NoteTable } from '../plan/note-table.ts';

/**
 * Marks the notes an earlier run of this checkpoint settled: done, or rejected with its reason.
 * Returns how many were done. A fresh checkpoint settles nothing, and no key is decoded for it.
 */
export function settleFromCheckpoint(table: NoteTable, replay: ReplayedState, outcome: Pick<NoteOutcome, 'status' | 'rejected'>): number {
  if (replay.doneKeys.size === 0 && replay.rejected.size === 0) return 0;
  let done = 0;
  for (let note = 0; note < table.size; note++) {
    const key = table.key(note);
    if (replay.doneKeys.has(key)) {
      outcome.status[note] = Status.Done;
      done++;
      continue;
    }
    const rejected = replay.rejected.get(key);
    if (rejected) {
      outcome.status[note] = Status.Rejected;
      outcome.rejected.set(note, rejected);
    }
  }
  return done;
}
