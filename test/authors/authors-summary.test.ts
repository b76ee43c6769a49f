import { describe, expect, it } from 'vitest';
import { summariseAuthors } from '../../src/authors/authors-summary.ts';
import { UserDirectory } from '../../src/authors/user-directory.ts';
import type { MessageKind } from '../../src/mapper/note-draft.ts';
import { NoteTable } from '../../src/plan/note-table.ts';

interface Row {
  readonly ticket: string;
  readonly customerEmail?: string;
  readonly authorEmail?: string;
  readonly kind?: MessageKind;
}

function tableOf(rows: readonly Row[]): NoteTable {
  const table = new NoteTable();
  rows.forEach((row, i) =>
    table.add({ key: `${row.ticket}:${i}`, ticket: row.ticket, conversation: undefined, epoch: i, bytes: 1, spoolOffset: 0, spoolLength: 0, line: i + 2, customerEmail: row.customerEmail, subject: undefined, authorEmail: row.authorEmail, ...(row.kind ? { kind: row.kind } : {}) }),
  );
  table.finishAdding();
  return table;
}

const ann = 'ann@example.com';
const bob = 'bob@example.com';
/** An agent who is also a customer of another ticket. */
const agent = 'agent@desk.example';

const rows: readonly Row[] = [
  { ticket: 'T1', customerEmail: ann, authorEmail: ann, kind: 'customer' },
  { ticket: 'T1', customerEmail: ann, authorEmail: agent, kind: 'reply' },
  // Written by the ticket's customer but kept as a note: the customer counts as its author.
  { ticket: 'T1', customerEmail: ann, authorEmail: ann, kind: 'note' },
  { ticket: 'T2', customerEmail: agent, authorEmail: agent, kind: 'note' },
  { ticket: 'T2', customerEmail: agent, authorEmail: bob, kind: 'reply' },
  { ticket: 'T2', customerEmail: agent, kind: 'note' },
  { ticket: 'T3', customerEmail: bob, authorEmail: ann, kind: 'reply' },
];

describe('authors summary', () => {
  it('counts the notes of each author, matched users first, customers only where they wrote more than their own messages', () => {
    const directory = new UserDirectory(new Map([[bob, 12]]), [{ id: 40, email: 'Agent@Desk.example' }, { id: 12, email: 'robert@example.com' }], true);
    const summary = summariseAuthors(tableOf(rows), directory, true, () => true);
    expect(summary.authors).toEqual([
      { email: agent, notes: 2, user: 40 },
      { email: bob, notes: 1, user: 12 },
      { email: ann, notes: 2 },
    ]);
    expect(summary.notesWithUser).toBe(3);
    expect(summary.notesWithoutAuthor).toBe(1);
    expect(summary.threads).toEqual({ customer: 1, reply: 3, note: 3 });
  });

  it('counts only the notes asked for, and every one as a note unless threads are native', () => {
    const directory = new UserDirectory(new Map(), undefined, true);
    const summary = summariseAuthors(tableOf(rows), directory, false, (note) => note >= 3);
    expect(summary.authors).toEqual([
      { email: agent, notes: 1 },
      { email: ann, notes: 1 },
      { email: bob, notes: 1 },
    ]);
    expect(summary.notesWithUser).toBe(0);
    expect(summary.notesWithoutAuthor).toBe(1);
    expect(summary.threads).toEqual({ customer: 0, reply: 0, note: 4 });
  });
});
