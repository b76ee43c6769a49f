import { isAscii } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FAST_RECORD_BYTES, FastCsvSplitter, type Split } from '../../src/readers/csv-fast-split.ts';

interface Outcome {
  readonly records: { values: string[]; line: number }[];
  /** The bytes handed over to csv-parse, as text, or undefined when the splitter read everything. */
  readonly handover: string | undefined;
  /** The line the handed-over bytes start on. */
  readonly handoverLine: number | undefined;
}

/** Feeds `parts` to a fresh splitter, as a file read in those chunks. */
function splitParts(parts: readonly Buffer[], encoding: 'utf8' | 'latin1' = 'utf8', delimiter = ','): Outcome {
  const splitter = FastCsvSplitter.for(encoding, delimiter);
  if (splitter === undefined) throw new Error('no fast splitter for these settings');
  const records: Outcome['records'] = [];
  const take = (split: Split): boolean => {
    records.push(...split.records.map((r) => ({ values: r.values, line: r.line })));
    return split.handover !== undefined;
  };
  for (const part of parts) {
    const split = splitter.write(part);
    if (take(split)) return { records, handover: split.handover?.toString('latin1'), handoverLine: splitter.line };
  }
  const last = splitter.end();
  if (take(last)) return { records, handover: last.handover?.toString('latin1'), handoverLine: splitter.line };
  return { records, handover: undefined, handoverLine: undefined };
}

const whole = (text: string): Outcome => splitParts([Buffer.from(text)]);

/** The same records csv-parse reads (the reader's options), for comparison. */
function csvParseValues(text: string): string[][] {
  return parse(text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
}

/** Files the fast splitter reads whole: every trap it handles itself. */
const PLAIN = [
  'ticket,id,text\n1,1,plain\n1,2,"quoted, with comma"\n',
  'ticket,id,text\r\n1,1,"two\r\nlines"\r\n1,2,"say ""hi"""\r\n',
  '\uFEFFticket,id,text\n1,1,"a\nb\nc"\n\n\n1,2,after empty lines\n',
  'ticket,id,text\n1,1,"mixed\rbreaks\n\r\nhere"\n1,2,no final newline',
  'ticket,id,text\n1,1,trailing delimiter,\n1,2,""\n,,\n',
  'ticket,id,text\n1,1,Grüße 😀\n1,2,"😀 ""x"" é"\n',
  'ticket,id,text\r\n1,1,crlf\n1,2,then lf\r\n1,3,"end ""quoted"" at eof"',
  // An ASCII record cut from one decoded text, then a UTF-8 one decoded field by field.
  'ticket,id,text,more\n1,"q ""a""",,"x"\n2,"",é plain,"z ""b"""\n',
];

/** Files the fast splitter hands over to csv-parse: what, the text, the records read before, the bytes handed over, their line. */
const HANDED_OVER: [string, string, string[], string, number][] = [
  ['a quote inside an unquoted field', 'a,b\n1,2\n3,say "hi"\n4,5\n', ['a', '1'], '3,say "hi"\n4,5\n', 3],
  ['text after a closing quote', 'a,b\n1,2\n"x"y,2\n', ['a', '1'], '"x"y,2\n', 3],
  ['a bare CR line end', 'a,b\n"q\nq",2\n3,4\r5,6\n', ['a', 'q\nq'], '3,4\r5,6\n', 4],
  ['a quote never closed', 'a,b\n1,2\n3,"open\n4,5\n', ['a', '1'], '3,"open\n4,5\n', 3],
  ['a CR as the very last byte', 'a,b\n1,2\r', ['a'], '1,2\r', 2],
];

/** Line breaks inside quoted fields and empty lines, CRLF, LF and a bare CR inside a field. */
const LINES = 'h1,h2\r\n"a\r\nb",1\r\n\r\nc,"d\ne\rf"\nlast,2\n';

describe('fast CSV splitter', () => {
  it.each(PLAIN.map((text) => [JSON.stringify(text).slice(0, 60), text]))('reads %s as csv-parse does', (_name, text) => {
    const out = whole(text);
    expect(out.handover).toBeUndefined();
    expect(out.records.map((r) => r.values)).toEqual(csvParseValues(text));
  });

  it.each(PLAIN.map((text) => [JSON.stringify(text).slice(0, 60), text]))('splits %s the same at every chunk boundary', (_name, text) => {
    const bytes = Buffer.from(text);
    const expected = whole(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(splitParts([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(splitParts([...bytes].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it.each(PLAIN.map((text) => [JSON.stringify(text).slice(0, 60), text]))('keeps nothing of a chunk after write: %s reads the same from one buffer refilled at once', (_name, text) => {
    // The reader reuses its buffers (FileChunks): a record carried over and a handover must be copies.
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7, 16]) {
      const splitter = FastCsvSplitter.for('utf8', ',');
      const buffer = Buffer.alloc(size);
      const values: string[][] = [];
      for (let at = 0; at < bytes.length; at += size) {
        const split = splitter?.write(buffer.subarray(0, bytes.copy(buffer, 0, at, at + size)));
        buffer.fill('"');
        values.push(...(split?.records.map((r) => r.values) ?? []));
      }
      values.push(...(splitter?.end().records.map((r) => r.values) ?? []));
      expect(values).toEqual(csvParseValues(text));
    }
  });

  it.each(HANDED_OVER)('hands %s over as a copy of its bytes, untouched when the chunk buffer is refilled', (_name, text) => {
    const bytes = Buffer.from(text);
    const size = bytes.length - 2;
    const parts = [bytes.subarray(0, size), bytes.subarray(size)];
    const buffer = Buffer.alloc(size);
    const splitter = FastCsvSplitter.for('utf8', ',');
    const splits = parts.map((part) => {
      const split = splitter?.write(buffer.subarray(0, part.copy(buffer)));
      buffer.fill('x');
      return split;
    });
    const given = [...splits, splitter?.end()].find((split) => split?.handover !== undefined)?.handover;
    expect(given?.toString('latin1')).toBe(splitParts(parts).handover);
  });

  it('numbers each record by its first line, counting line breaks inside quoted fields and empty lines', () => {
    const out = whole(LINES);
    expect(out.records.map((r) => [r.values[0], r.line])).toEqual([
      ['h1', 1],
      ['a\r\nb', 2],
      ['c', 5],
      ['last', 8],
    ]);
  });

  it('decodes latin1 and splits on a configured delimiter', () => {
    const out = splitParts([Buffer.from('ticket;text\nT-9;"Crème; brûlée"\n', 'latin1')], 'latin1', ';');
    expect(out.records.map((r) => r.values)).toEqual([
      ['ticket', 'text'],
      ['T-9', 'Crème; brûlée'],
    ]);
  });

  it('reads a UTF-8 byte order mark as UTF-8 even when latin1 was configured, as csv-parse does', () => {
    const out = splitParts([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text\nCrème\n')])], 'latin1');
    expect(out.records.map((r) => r.values)).toEqual([['text'], ['Crème']]);
  });

  it.each(HANDED_OVER)('hands %s to csv-parse from that record on, with its line', (_name, text, firstValues, handover, line) => {
    const out = whole(text);
    expect(out.records.map((r) => r.values[0])).toEqual(firstValues);
    expect(out.handover).toBe(handover);
    expect(out.handoverLine).toBe(line);
  });

  // An ASCII chunk is scanned by searching for the bytes that matter; one with a byte beyond
  // ASCII (here a first line "é") byte by byte. Both must end every record at the same place.
  const ASCII_TRAPS = [...PLAIN.filter((text) => isAscii(Buffer.from(text))), ...HANDED_OVER.map(([, text]) => text), LINES];
  it.each(ASCII_TRAPS.map((text) => [JSON.stringify(text).slice(0, 60), text]))('scans %s to the same records, lines and handover in an ASCII chunk as in another', (_name, text) => {
    const ascii = whole(text);
    const mixed = whole(`é\n${text}`);
    expect(mixed.records[0]?.values).toEqual(['é']);
    expect(mixed.records.slice(1)).toEqual(ascii.records.map((r) => ({ ...r, line: r.line + 1 })));
    expect(mixed.handover).toBe(ascii.handover);
    expect(mixed.handoverLine).toBe(ascii.handoverLine === undefined ? undefined : ascii.handoverLine + 1);
  });

  it('hands a UTF-16 file over whole, byte order mark included', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]);
    const out = splitParts([bytes]);
    expect(out).toMatchObject({ records: [], handoverLine: 1 });
    expect(out.handover).toBe(bytes.toString('latin1'));
  });

  it('hands over a record longer than FAST_RECORD_BYTES instead of buffering it', () => {
    const big = `1,"${'x'.repeat(2 * FAST_RECORD_BYTES)}"\n`;
    const chunks = [Buffer.from('a,b\n')];
    for (let i = 0; i < big.length; i += 64 * 1024) chunks.push(Buffer.from(big.slice(i, i + 64 * 1024)));
    const out = splitParts(chunks);
    expect(out.records.map((r) => r.values.map((v) => v.length))).toEqual([[1, 1]]);
    expect(out.handoverLine).toBe(2);
    expect(out.handover?.length).toBeGreaterThan(FAST_RECORD_BYTES);
    expect(out.handover?.length).toBeLessThan(big.length);
    expect(big.startsWith(out.handover ?? '-')).toBe(true);
  });

  it('leaves UTF-16 and a delimiter that is no ASCII byte to csv-parse', () => {
    expect(FastCsvSplitter.for('utf16le', ',')).toBeUndefined();
    expect(FastCsvSplitter.for('utf8', '§')).toBeUndefined();
    expect(FastCsvSplitter.for('utf8', '\t')).toBeDefined();
  });
});
