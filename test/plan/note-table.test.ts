import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH } from '../../src/core/chunked-column.ts';
import { NoteTable, type NoteTableColumns, type NoteTablePieces } from '../../src/plan/note-table.ts';

/** None, a Help Scout id past 2^32 (kept aside), or an ordinary one. */
const conversationOf = (i: number): number | undefined => [undefined, 5_000_000_000 + i, 1000 + i][i % 3];

/** Back to back, past 4 GB from note 40,000 on (a spool of big attachments), and once out of order. */
const spoolOffsetOf = (i: number): number => (i === 3000 ? 7 : i * 300 + (i >= 40_000 ? 2 ** 32 : 0));

/** Epoch seconds, and now and then one past 2106 (kept aside). */
const epochOf = (i: number): number => (i % 10_000 === 1 ? 2 ** 32 + i : 1_600_000_000 + i * 61);

/** A table past one column chunk: every field varies with the note, some are 0 or absent. */
function bigTable(n: number): NoteTable {
  const table = new NoteTable();
  for (let i = 0; i < n; i++) {
    table.add({
      key: `T${i % 5000}:${i}`,
      ticket: `T${i % 5000}`,
      conversation: conversationOf(i),
      epoch: epochOf(i),
      bytes: 100 + (i % 777),
      spoolOffset: spoolOffsetOf(i),
      spoolLength: 299 - (i % 7),
      line: i + 2,
      customerEmail: i % 5000 === 7 ? undefined : `c${i % 5000}@example.com`,
      subject: `Subject ${i % 5000}`,
    });
  }
  return table;
}

const fields = (t: NoteTable, i: number): unknown[] => [t.key(i), t.ticket(i), t.ticketNumber(i), t.conversation(i), t.epoch(i), t.bytes(i), t.spool(i), t.line(i), t.customerEmail(i), t.subject(i)];

/** What the resume index does with the pieces: each column written out whole, read back as one array. */
function whole(pieces: NoteTablePieces): NoteTableColumns {
  const i32 = (p: Iterable<Int32Array>): Int32Array => Int32Array.from([...p].flatMap((a) => [...a]));
  const u32 = (p: Iterable<Uint32Array>): Uint32Array => Uint32Array.from([...p].flatMap((a) => [...a]));
  return {
    ...pieces,
    ticketOf: i32(pieces.ticketOf),
    conversationOf: u32(pieces.conversationOf),
    epochOf: u32(pieces.epochOf),
    bytesOf: i32(pieces.bytesOf),
    offsetOf: u32(pieces.offsetOf),
    lengthOf: i32(pieces.lengthOf),
    lineOf: i32(pieces.lineOf),
    contentOf: u32(pieces.contentOf),
    authorOf: u32(pieces.authorOf),
    kindOf: u32(pieces.kindOf),
  };
}

describe('note table', () => {
  const n = CHUNK_LENGTH + 4321;

  it('keeps every field of every note past a column chunk boundary', () => {
    const table = bigTable(n);
    expect(table.size).toBe(n);
    for (const i of [0, 1, 3000, 3001, 39_999, 40_000, CHUNK_LENGTH - 1, CHUNK_LENGTH, CHUNK_LENGTH + 1, n - 1]) {
      expect(fields(table, i)).toEqual([
        `T${i % 5000}:${i}`,
        `T${i % 5000}`,
        i % 5000,
        conversationOf(i),
        epochOf(i),
        100 + (i % 777),
        { offset: spoolOffsetOf(i), length: 299 - (i % 7) },
        i + 2,
        `c${i % 5000}@example.com`,
        `Subject ${i % 5000}`,
      ]);
    }
  });

  it('laid bare in pieces and rebuilt whole, gives back the same notes', () => {
    const table = bigTable(n);
    const rebuilt = NoteTable.fromColumns(whole(table.columns()));
    expect(rebuilt.size).toBe(n);
    const differ: number[] = [];
    for (let i = 0; i < n; i++) if (JSON.stringify(fields(rebuilt, i)) !== JSON.stringify(fields(table, i))) differ.push(i);
    expect(differ).toEqual([]);
    expect(rebuilt.hasKey(`T7:${n - 1 - ((n - 1 - 7) % 5000)}`)).toBe(true);
  });

  it('still tells duplicates apart and takes more notes after pass 1 let its key lookups go', () => {
    const table = bigTable(1000);
    table.finishAdding();
    expect(table.hasKey('T3:3')).toBe(true);
    expect(table.hasKey('T3:4')).toBe(false);
    expect(() => table.add({ key: 'T3:3', ticket: 'T3', conversation: undefined, epoch: 0, bytes: 1, spoolOffset: 0, spoolLength: 0, line: 1, customerEmail: undefined, subject: undefined })).toThrow(/already/);
    expect(table.add({ key: 'T3:new', ticket: 'T3', conversation: undefined, epoch: 0, bytes: 1, spoolOffset: 0, spoolLength: 0, line: 1, customerEmail: undefined, subject: undefined })).toBe(1000);
    expect(table.ticketNumber(1000)).toBe(3);
  });

  it("keeps who wrote each note and each ticket's tags, status and name, also saved and rebuilt", () => {
    const table = new NoteTable();
    const note = (i: number, extra: Partial<Parameters<NoteTable['add']>[0]>): void => {
      table.add({ key: `T${i % 3}:${i}`, ticket: `T${i % 3}`, conversation: undefined, epoch: i, bytes: 1, spoolOffset: 0, spoolLength: 0, line: i, customerEmail: `c${i % 3}@example.com`, subject: undefined, ...extra });
    };
    note(0, { authorEmail: 'c0@example.com', kind: 'customer', tags: ['vip'], ticketStatus: 'pending', customerName: 'Cleo' });
    note(1, { authorEmail: 'agent@example.com', kind: 'reply', tags: ['billing'] });
    note(2, { authorEmail: 'C2@example.com', kind: 'customer' });
    note(3, { authorEmail: 'agent@example.com', kind: 'note', tags: ['billing', 'vip'], ticketStatus: 'closed', customerName: 'Not Cleo' });
    note(4, {});
    const seen = (t: NoteTable): unknown[] => [0, 1, 2, 3, 4].map((i) => [t.author(i), t.kind(i), t.ticketFactsOf(i)]);
    const expected = [
      ['c0@example.com', 'customer', { tags: ['vip', 'billing'], status: 'pending', customerName: 'Cleo' }],
      ['agent@example.com', 'reply', { tags: ['billing'] }],
      ['C2@example.com', 'customer', {}],
      ['agent@example.com', 'note', { tags: ['vip', 'billing'], status: 'pending', customerName: 'Cleo' }],
      [undefined, 'note', { tags: ['billing'] }],
    ];
    expect(seen(table)).toEqual(expected);
    table.finishAdding();
    expect(seen(NoteTable.fromColumns(whole(table.columns())))).toEqual(expected);
  });
  it("learns a ticket's customer from a later row, and merges tags into a rebuilt table's tickets", () => {
    const table = new NoteTable();
    const base = { conversation: undefined, bytes: 1, spoolOffset: 0, spoolLength: 0, subject: undefined };
    table.add({ ...base, key: 'A:1', ticket: 'A', epoch: 1, line: 1, customerEmail: undefined, authorEmail: 'cleo@example.com', tags: ['vip'] });
    table.add({ ...base, key: 'A:2', ticket: 'A', epoch: 2, line: 2, customerEmail: 'cleo@example.com', authorEmail: 'cleo@example.com' });
    table.finishAdding();
    const rebuilt = NoteTable.fromColumns(whole(table.columns()));
    rebuilt.add({ ...base, key: 'A:3', ticket: 'A', epoch: 3, line: 3, customerEmail: 'cleo@example.com', authorEmail: 'agent@example.com', tags: ['billing'], ticketStatus: 'closed' });
    expect([0, 1, 2].map((i) => rebuilt.author(i))).toEqual(['cleo@example.com', 'cleo@example.com', 'agent@example.com']);
    expect(rebuilt.customerEmail(0)).toBe('cleo@example.com');
    expect(rebuilt.ticketFactsOf(2)).toEqual({ tags: ['vip', 'billing'], status: 'closed' });
  });
});
