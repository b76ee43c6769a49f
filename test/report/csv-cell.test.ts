import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, unescapeFormula } from '../../src/report/csv-cell.ts';
import { isRejectsCsvHeader, rejectsCsv } from '../../src/report/rejects-csv.ts';
import { parseCsv } from '../cli/helpers.ts';

describe('CSV cells in reports', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+33 1 23 45', "'+33 1 23 45"],
    ['-5 degrees', "'-5 degrees"],
    ['@channel look', "'@channel look"],
    ['\tindented', "'\tindented"],
  ])('shows %j to a spreadsheet as text, not a formula', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it('leaves ordinary text, numbers and empty cells alone', () => {
    expect(csvLine(['plain', 42, undefined, 'a=b', "it's"])).toBe("plain,42,,a=b,it's\n");
  });

  it('quotes commas, quotes and newlines, after escaping', () => {
    expect(csvCell('=HYPERLINK("http://x","click")')).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(parseCsv(csvLine(['a,b', 'say "hi"', '=1+1']))).toEqual([['a,b', 'say "hi"', "'=1+1"]]);
  });

  it.each(['=1+1', "'=1+1", "''-x", "'plain", 'plain', '-', '', "'"])('gives back exactly %j after escaping and unescaping', (text) => {
    const [[cell]] = parseCsv(csvLine([text])) as [[string]];
    expect(unescapeFormula(cell)).toBe(text);
  });
});

describe('rejects.csv', () => {
  const reject = (fields: Record<string, string>, line: number) => ({
    reason: 'invalid_date' as const,
    message: 'unrecognised date "soon"',
    origin: { file: '/exports/notes.csv', line },
    field: 'createdAt',
    ticket: fields.ticket ?? '',
    id: fields.id ?? '',
    fields,
  });

  it('writes the original columns, then reason, message, file, line and field', () => {
    const csv = rejectsCsv([reject({ ticket: 'T1', id: '1', createdAt: 'soon', text: 'hello' }, 2), reject({ ticket: 'T2', id: '7', createdAt: 'later', text: '-1 for this', extra: 'x' }, 5)]);
    expect(parseCsv(csv)).toEqual([
      ['ticket', 'id', 'createdAt', 'text', 'extra', 'reason', 'message', 'file', 'line', 'field'],
      ['T1', '1', 'soon', 'hello', '', 'invalid_date', 'unrecognised date "soon"', '/exports/notes.csv', '2', 'createdAt'],
      ['T2', '7', 'later', "'-1 for this", 'x', 'invalid_date', 'unrecognised date "soon"', '/exports/notes.csv', '5', 'createdAt'],
    ]);
  });

  it('renames its own columns when the input already has a column of that name', () => {
    const [header] = parseCsv(rejectsCsv([reject({ ticket: 'T1', id: '1', reason: 'customer said so' }, 2)]));
    expect(header).toEqual(['ticket', 'id', 'reason', 'reject_reason', 'message', 'file', 'line', 'field']);
    expect(isRejectsCsvHeader(header ?? [])).toBe(true);
  });

  it('recognises its own header, and only its own', () => {
    expect(isRejectsCsvHeader(['ticket', 'text', 'reason', 'message', 'file', 'line', 'field'])).toBe(true);
    expect(isRejectsCsvHeader(['ticket', 'text'])).toBe(false);
    expect(isRejectsCsvHeader(['reason', 'message', 'file', 'line'])).toBe(false);
  });
});
