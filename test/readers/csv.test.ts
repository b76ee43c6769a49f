import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
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

  it('names the missing required column in a ConfigError before any row', async () => {
    const path = csvFile('ticket,id,text\n1,1,hi\n');
    await expect(readAll(sourceOf('csv', path))).rejects.toThrow(/required column "createdAt" is missing/);
  });

  it('applies source.columns renames and names the renamed column when missing', async () => {
    const path = csvFile('Ticket ID;Message ID;Date;Body\n7;a;1700000000;hi\n');
    const columns = { ticket: 'Ticket ID', id: 'Message ID', createdAt: 'Date', text: 'Body' };
    const notes = notesOf(await readAll(sourceOf('csv', path, { columns, delimiter: ';' })));
    expect(notes[0]).toMatchObject({ ticket: '7', id: 'a', createdAt: '1700000000', text: 'hi' });
    await expect(readAll(sourceOf('csv', path, { columns: { ...columns, text: 'Message' }, delimiter: ';' }))).rejects.toThrow(
      /column "Message" \(mapped to "text" by source.columns\) is missing/,
    );
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
});
