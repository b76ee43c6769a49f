import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { openReader } from '../../src/readers/index.ts';
import type { SourceItem } from '../../src/readers/source-note.ts';
import { notesOf, readAll, rejectsOf, sourceOf, tempDir } from './helpers.ts';

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
    expect(Object.keys(notes[0]?.fields ?? {})).toEqual(['ticket', 'id', 'createdAt', 'text', 'customerEmail', 'subject', 'author']);
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
    expect(Object.getPrototypeOf(notes[0]?.fields)).toBe(Object.prototype);
    expect(Object.entries(notes[0]?.fields ?? {})).toContainEqual(['__proto__', 'polluted']);
  });
});
