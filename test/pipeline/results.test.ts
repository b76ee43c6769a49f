import { describe, expect, it } from 'vitest';
import { emptyOutcome, Status } from '../../src/deliver/note-status.ts';
import { noteResults } from '../../src/pipeline/results.ts';
import { NoteTable } from '../../src/plan/note-table.ts';

function tableOf(keys: readonly string[]): NoteTable {
  const table = new NoteTable();
  keys.forEach((key, i) => table.add({ key, ticket: key.slice(0, key.indexOf(':')), conversation: undefined, epoch: i, bytes: 1, spoolOffset: 0, spoolLength: 0, line: i + 2, customerEmail: 'c@example.com', subject: undefined }));
  return table;
}

describe('note results', () => {
  it('says how every note ended, in source order, with exactly the fields its status has', () => {
    const table = tableOf(['A:1', 'A:2', 'B:1', 'B:2', 'C:1', 'C:2', 'D:1', 'a%3Ab:x']);
    const outcome = emptyOutcome(table.size);
    const done = (note: number, conversation: number, thread: number): void => {
      outcome.status[note] = Status.Done;
      outcome.conversation.set(note, conversation);
      outcome.thread.set(note, thread);
    };
    done(0, 500, 9001);
    done(1, 600, 0);
    done(2, 700, 9002);
    outcome.moved.set(2, { from: 650, to: 700 });
    done(3, 700, 0);
    outcome.moved.set(3, { from: 650, to: 700 });
    outcome.status[4] = Status.Rejected;
    outcome.rejected.set(4, { reason: 'note_too_large', message: 'the note is 300000 bytes' });
    outcome.status[5] = Status.Rejected;
    outcome.status[6] = Status.InDoubt;
    done(7, 2 ** 40 + 3, 2 ** 41 + 5);

    // toStrictEqual: a field the status does not have (an undefined thread) must be absent, not undefined.
    expect([...noteResults(table, outcome)]).toStrictEqual([
      { key: 'A:1', ticket: 'A', id: '1', status: 'done', conversation: 500, thread: 9001 },
      { key: 'A:2', ticket: 'A', id: '2', status: 'done', conversation: 600 },
      { key: 'B:1', ticket: 'B', id: '1', status: 'moved', conversation: 700, thread: 9002, from: 650 },
      { key: 'B:2', ticket: 'B', id: '2', status: 'moved', conversation: 700, from: 650 },
      { key: 'C:1', ticket: 'C', id: '1', status: 'rejected', reason: 'note_too_large', message: 'the note is 300000 bytes' },
      { key: 'C:2', ticket: 'C', id: '2', status: 'rejected', reason: 'api_rejected', message: '' },
      { key: 'D:1', ticket: 'D', id: '1', status: 'in-doubt' },
      { key: 'a%3Ab:x', ticket: 'a%3Ab', id: 'x', status: 'done', conversation: 2 ** 40 + 3, thread: 2 ** 41 + 5 },
    ]);
  });

  it('calls a note nobody settled left', () => {
    const table = tableOf(['A:1']);
    expect([...noteResults(table, emptyOutcome(1))]).toStrictEqual([{ key: 'A:1', ticket: 'A', id: '1', status: 'left' }]);
  });
});
