import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { readCsv, type CsvSplitting } from '../../src/readers/csv-reader.ts';
import { openReader } from '../../src/readers/index.ts';
import { fieldsOf, type SourceItem } from '../../src/readers/source-note.ts';
import { validateConfig } from '../../src/config/load.ts';
import { draftsOf, FIXTURES, mapAll, notesOf, readAll, rejectsOf, sourceOf, tempDir } from './helpers.ts';

function csvFile(content: string | Buffer, name = 'notes.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('csv reader', () => {
  it('reads a BOM, CRLF line ends and a quoted field with newline, commas and quotes', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_bom_crlf_multiline.csv')));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({
      ticket: 'T-1',
      id: '1',
      createdAt: '2024-03-01T10:00:00Z',
      text: 'Hello,\r\nsecond line with "quotes", and a comma',
      html: false,
      customerEmail: 'ann@example.com',
      subject: 'Printer',
      author: 'Ann',
      origin: { line: 2 },
    });
    expect(notes[1]).toMatchObject({ id: '2', html: true, origin: { line: 4 } });
    expect(Object.keys(fieldsOf(notes[0]?.fields ?? {}))).toEqual(['ticket', 'id', 'createdAt', 'text', 'customerEmail', 'subject', 'author']);
  });

  it('names the missing required column in a ConfigError before any row is yielded', async () => {
    const yielded: SourceItem[] = [];
    const reading = (async () => {
      for await (const item of openReader(sourceOf('csv', 'csv_header_missing_createdAt.csv'))) yielded.push(item);
    })();
    await expect(reading).rejects.toThrow(ConfigError);
    await expect(reading).rejects.toThrow(/required column "createdAt" is missing in the header of .*csv_header_missing_createdAt\.csv/);
    expect(yielded).toEqual([]);
  });

  it('names a missing required column of a header-only file too', async () => {
    const path = csvFile('ticket,id,createdAt\n');
    await expect(readAll(sourceOf('csv', path))).rejects.toThrow(/required column "text" is missing/);
  });

  it('applies source.columns renames and names the renamed column when missing', async () => {
    const columns = { ticket: 'Ticket ID', id: 'Message ID', createdAt: 'Date', text: 'Body', author: 'Agent' };
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_renamed_columns.csv', { columns })));
    expect(notes).toMatchObject([{ ticket: '7', id: 'a', createdAt: '1700000000', text: 'Renamed columns still map', author: 'Zed' }]);
    await expect(readAll(sourceOf('csv', 'csv_renamed_columns.csv', { columns: { ...columns, text: 'Message' } }))).rejects.toThrow(
      /column "Message" \(mapped to "text" by source.columns\) is missing/,
    );
  });

  it('splits on the configured delimiter, leaving commas in the text', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_semicolon_delimiter.csv', { delimiter: ';' })));
    expect(notes.map((n) => [n.id, n.text, n.author])).toEqual([
      ['1', 'Commas, are plain text here, not separators', 'Ann'],
      ['2', 'A quoted cell; with a semicolon', 'Bob'],
    ]);
  });

  it('decodes a UTF-16LE file with its byte order mark, emoji included', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_utf16le_with_bom.csv', { encoding: 'utf16le' })));
    expect(notes).toMatchObject([{ ticket: 'T-8', text: 'Grüße aus Köln, 😀', author: 'Jürgen', origin: { line: 2 } }]);
  });

  it('decodes a latin1 file when source.encoding is latin1', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_latin1_accents.csv', { encoding: 'latin1' })));
    expect(notes).toMatchObject([{ ticket: 'T-9', text: 'Crème brûlée, déjà vu', author: 'Zoë' }]);
  });

  it('keeps a multi-byte character that straddles two read chunks', async () => {
    // The reader reads 256 KiB at a time: put "é" (2 bytes in UTF-8) across that boundary.
    const head = 'ticket,id,createdAt,text\n1,1,2024-01-01T00:00:00Z,';
    const text = `${'a'.repeat(256 * 1024 - Buffer.byteLength(head) - 1)}é and more`;
    const notes = notesOf(await readAll(sourceOf('csv', csvFile(`${head}${text}\n`))));
    expect(notes.map((n) => n.text)).toEqual([text]);
  });

  it('refuses an unreadable file with a ConfigError', () => {
    expect(() => sourceOf('csv', '/nonexistent/notes.csv')).not.toThrow();
    return expect(readAll(sourceOf('csv', '/nonexistent/notes.csv'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('rejects a row with the wrong number of columns and keeps reading', async () => {
    const path = csvFile('ticket,id,createdAt,text\n1,1,2024-01-01T00:00:00Z,a\n1,2,oops\n1,3,2024-01-01T00:00:00Z,c\n');
    const items = await readAll(sourceOf('csv', path));
    expect(notesOf(items).map((n) => n.id)).toEqual(['1', '3']);
    expect(rejectsOf(items)).toMatchObject([{ reason: 'invalid_record', origin: { file: path, line: 3 } }]);
    expect(items.map((i) => i.kind)).toEqual(['note', 'reject', 'note']);
  });

  it('keeps a column named __proto__ as a plain field of the row', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', csvFile('ticket,id,createdAt,text,__proto__\n1,1,2024-01-01T00:00:00Z,hi,polluted\n'))));
    const fields = fieldsOf(notes[0]?.fields ?? {});
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.entries(fields)).toContainEqual(['__proto__', 'polluted']);
  });

  it('hands the rest of a file to csv-parse at its first unusual record, keeping true line numbers', async () => {
    const head = 'ticket,id,createdAt,text\n1,1,2024-01-01T00:00:00Z,"two\r\nlines"\n\n';
    const path = csvFile(`${head}1,2,2024-01-01T00:00:00Z,a "relaxed" quote\n1,3,2024-01-01T00:00:00Z,"x\ny"\r1,4,2024-01-01T00:00:00Z,bare CR before\n1,5,oops\n1,6,2024-01-01T00:00:00Z,"never closed\n`);
    const items = await readAll(sourceOf('csv', path));
    expect(items.map((i) => (i.kind === 'note' ? [i.note.id, i.note.text, i.note.origin.line] : [i.reject.reason, i.reject.origin.line]))).toEqual([
      ['1', 'two\r\nlines', 2],
      ['2', 'a "relaxed" quote', 5],
      ['3', 'x\ny', 6],
      ['4', 'bare CR before', 8],
      ['invalid_record', 9],
      ['invalid_record', 10],
    ]);
    expect(rejectsOf(items)[1]?.message).toMatch(/CSV_QUOTE_NOT_CLOSED/);
  });

  it.each([
    ['the fast splitter', 'plain', 'fast-then-csv-parse'],
    ['the fast splitter on its own thread', 'plain', 'fast-on-own-thread'],
    ['csv-parse', 'a "stray" quote', 'fast-then-csv-parse'],
    ['csv-parse after the thread', 'a "stray" quote', 'fast-on-own-thread'],
  ] as const)('stops reading cleanly when the consumer stops early, in %s', async (_who, text, splitting) => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `1,${i},2024-01-01T00:00:00Z,${i === 1 ? text : 'plain'}\n`);
    const reader = readCsv(sourceOf('csv', csvFile(`ticket,id,createdAt,text\n${rows.join('')}`)), splitting);
    const ids: string[] = [];
    for await (const item of reader) {
      if (item.kind === 'note') ids.push(item.note.id);
      if (ids.length === 3) break;
    }
    // A rejection left behind by the closed input would surface here (vitest fails on unhandled ones).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids).toEqual(['0', '1', '2']);
    expect(notesOf(await readAll(sourceOf('csv', csvFile(`ticket,id,createdAt,text\n${rows.join('')}`, 'again.csv'))))).toHaveLength(20_000);
  });

  it('reads a file of many chunks as csv-parse does: records across chunk ends, and csv-parse taking over in the fourth chunk', async () => {
    // The chunks' buffers are reused: a record carried into the next chunk, the handover and
    // what csv-parse is given after it must be copies, or later reads overwrite them.
    const random = xorshift(0xc4a5);
    const rows = Array.from({ length: 30_000 }, (_, i) => {
      const text = i === 20_000 ? 'a "stray" quote' : random() < 0.2 ? `"quoted, ""with"" a\nbreak ${i}"` : `plain text ${'é'.repeat(Math.floor(random() * 3))} ${i}`;
      return `${i % 97},${i},2024-01-01T00:00:00Z,${text}\n`;
    });
    const path = csvFile(`ticket,id,createdAt,text\n${rows.join('')}`);
    const read = async (splitting: CsvSplitting): Promise<unknown[]> => {
      const items: unknown[] = [];
      for await (const item of readCsv(sourceOf('csv', path), splitting)) items.push(item.kind === 'note' ? [item.note.id, item.note.text, item.note.origin.line] : [item.reject.reason, item.reject.origin.line]);
      return items;
    };
    const fast = await read('fast-on-this-thread');
    expect(fast).toHaveLength(30_000);
    const parsed = await read('csv-parse');
    expect(fast).toEqual(parsed);
    // On its own thread, the splitter hands its batches and then csv-parse's start over through shared memory.
    expect(await read('fast-on-own-thread')).toEqual(parsed);
  });

  it('reads random, often malformed CSV exactly as csv-parse alone does', async () => {
    const random = xorshift(0x5eed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const plain = ['a', 'b', 'é', ' ', '1', 'Z', '😀'];
    const quoted = [...plain, ',', '""', '\n', '\r\n', '\r'];
    const stray = ['"', '\r', '"x"y', ',', '\n'];
    const field = (): string => {
      const length = Math.floor(random() * 6);
      if (random() < 0.3) return `"${Array.from({ length }, () => pick(quoted)).join('')}"`;
      const text = Array.from({ length }, () => pick(plain)).join('');
      return random() < 0.03 ? text + pick(stray) : text;
    };
    const dir = tempDir();
    const read = async (path: string, splitting: CsvSplitting): Promise<unknown[]> => {
      const items: unknown[] = [];
      for await (const item of readCsv(sourceOf('csv', path), splitting)) {
        items.push(item.kind === 'note' ? ['note', fieldsOf(item.note.fields), item.note.origin.line] : [item.reject.reason, item.reject.origin.line, item.reject.fields]);
      }
      return items;
    };
    for (let n = 0; n < 150; n++) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Array.from({ length: 4 }, field).join(','));
      const text = ['ticket,id,createdAt,text', ...rows].map((row) => row + pick(['\n', '\r\n', '\n\n'])).join('');
      const path = join(dir, `random-${n}.csv`);
      writeFileSync(path, text);
      const parsed = { text, items: await read(path, 'csv-parse') };
      expect({ text, items: await read(path, 'fast-on-this-thread') }).toEqual(parsed);
      if (n % 10 === 0) expect({ text, items: await read(path, 'fast-on-own-thread') }).toEqual(parsed);
    }
  });

  it('reads authorEmail, kind, tags, ticketStatus and customerName as written, leaving judging to the mapper', async () => {
    const notes = notesOf(await readAll(sourceOf('csv', 'csv_authors_kinds_tags_status.csv')));
    expect(notes[0]).toMatchObject({ authorEmail: '  Ann@Example.COM ', kind: 'customer', tags: 'Billing Issue; VIP ;billing  issue;;', ticketStatus: 'pending', customerName: '  Ann Example ' });
    expect(notes[2]).toMatchObject({ authorEmail: 'not-an-address' });
    // An empty cell is not given: the mapper then takes the default (a note).
    expect(notes[2]?.kind).toBeUndefined();
  });

  it('maps them: lower-cased email or none, empty kind a note, tags split at ";" or read as JSON, unknown kind and status rejected by name', async () => {
    const results = await mapAll(sourceOf('csv', 'csv_authors_kinds_tags_status.csv'));
    expect(draftsOf(results).map((d) => [d.key, d.authorEmail, d.kind, d.tags, d.ticketStatus, d.customerName])).toEqual([
      ['T-1:1', 'ann@example.com', 'customer', ['billing issue', 'vip'], 'pending', 'Ann Example'],
      ['T-1:2', 'bob@helpdesk.example', 'reply', ['refund', 'vip'], 'pending', 'Ann Example'],
      ['T-1:3', undefined, 'note', [], undefined, undefined],
    ]);
    expect(results.flatMap((r) => ('reason' in r ? [[r.id, r.reason, r.field, r.message, r.origin.line]] : []))).toEqual([
      ['1', 'invalid_kind', 'kind', 'kind must be customer, reply or note, got "agent"', 5],
      ['2', 'invalid_ticket_status', 'ticketStatus', 'ticketStatus must be active, pending or closed, got "solved"', 6],
      ['3', 'invalid_field', 'tags', expect.stringContaining('does not parse') as unknown, 7],
    ]);
  });

  it('applies source.columns renames to the new fields, and the config accepts them', async () => {
    const columns = { ticket: 'Ticket ID', id: 'Message ID', createdAt: 'Date', text: 'Body', authorEmail: 'From', kind: 'Type', tags: 'Labels', ticketStatus: 'State', customerName: 'Requester' };
    const config = validateConfig(
      { source: { format: 'csv', path: 'csv_renamed_history_columns.csv', columns }, target: { baseUrl: 'https://api.helpscout.net', mailboxId: 1 } },
      join(FIXTURES, 'csv', 'import.config.json'),
      {},
    );
    const drafts = draftsOf(await mapAll(config.source));
    expect(drafts).toMatchObject([{ key: '9:m1', authorEmail: 'zed@example.com', kind: 'customer', tags: ['urgent', 'mobile app'], ticketStatus: 'closed', customerName: 'Zed Zedson' }]);
  });
});

/** A tiny deterministic generator (xorshift32), so a failing case reproduces. */
function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
