import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FastCsvSplitter } from '../../src/readers/csv-fast-split.ts';

/** Every record the fast splitter reads from `text`, fed in chunks of `chunk` bytes. */
function split(text: string, chunk: number, encoding: 'utf8' | 'latin1' = 'utf8'): string[][] {
  const splitter = FastCsvSplitter.for(encoding, ',');
  if (splitter === undefined) throw new Error('no fast splitter');
  const bytes = Buffer.from(text, encoding);
  const records: string[][] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    const part = splitter.write(bytes.subarray(at, at + chunk));
    expect(part.handover).toBeUndefined();
    records.push(...part.records.map((r) => r.values));
  }
  records.push(...splitter.end().records.map((r) => r.values));
  return records;
}

/** A deterministic stream of numbers in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('cells shared down a column', () => {
  it('never give a cell the text of another: repeating columns, cells of one length crowding the same slots, quoted, escaped and multi-byte cells', () => {
    const random = lcg(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    // Kinds and statuses repeat; 3-letter codes repeat too but are far more than the slots;
    // the same text comes quoted, unquoted, with `""` escapes and in UTF-8 beyond ASCII.
    const kinds = ['customer', 'reply', 'note', '"note"', '"no""te"', 'nöte', '"nö""te"'];
    const codes = Array.from({ length: 900 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) % 26))}${i % 7}`);
    const rows = Array.from({ length: 6000 }, (_, i) => [String(i), pick(kinds), pick(codes), pick(['active', 'pending', 'closed', '']), `text ${i}`].join(','));
    const text = ['id,kind,code,status,text', ...rows].join('\n') + '\n';
    const expected: string[][] = parse(text, { relax_quotes: true });
    expect(split(text, 997)).toEqual(expected);
    expect(split(text, 65_536)).toEqual(expected);
  });

  it('read a latin1 file by its bytes too: the same byte is the same letter on every row', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${['café', 'caf\u00e9s', 'été'][i % 3] ?? ''}`);
    const text = ['id,word', ...rows].join('\n') + '\n';
    const expected: string[][] = parse(text);
    expect(split(text, 4096, 'latin1')).toEqual(expected);
  });
});

describe('a record of very many cells', () => {
  it('is split like any other, and quickly: the columns past those remembered are cut, not shared', () => {
    const wide = Array.from({ length: 25_000 }, (_, i) => (i % 2 === 0 ? 'x' : 'note')).join(',');
    const rows = Array.from({ length: 3000 }, (_, i) => (i === 1500 ? wide : `${i},note,active,text ${i}`));
    const text = ['id,kind,status,text', ...rows].join('\n') + '\n';
    const expected: string[][] = parse(text, { relax_column_count: true });
    expect(split(text, 65_536)).toEqual(expected);
  });
});

describe('cells that repeat an earlier cell of their row', () => {
  it('share its text only when their bytes are the same: one letter apart, quoted or not, escaped, multi-byte, empty', () => {
    const random = lcg(11);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    // The author is the customer on most rows (learnt as twins), then differs by a byte, by
    // quoting, by an escape or by a multi-byte letter of the same byte length.
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const customer = `customer${i % 997}@example.com`;
      const author = pick([customer, customer, customer, `customer${(i % 997) + 1}@example.com`, `"${customer}"`, `agent${i % 5}@example.com`, '']);
      const name = pick(['Ann "A" Lee', 'Zoë Ba', 'Zoe Bar', '']);
      const quotedName = name === '' ? '' : `"${name.replaceAll('"', '""')}"`;
      return [String(i), `"${customer}"`, author, quotedName, pick([quotedName, quotedName, 'Zoe Bar', 'Zoë Ba', ''])].join(',');
    });
    const text = ['id,customerEmail,authorEmail,author,customerName', ...rows].join('\n') + '\n';
    const expected: string[][] = parse(text, { relax_quotes: true });
    expect(split(text, 1009)).toEqual(expected);
    expect(split(text, 65_536)).toEqual(expected);
  });
});
