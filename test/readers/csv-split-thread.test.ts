import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { readCsv, type CsvSplitting } from '../../src/readers/csv-reader.ts';
import { fieldsOf } from '../../src/readers/source-note.ts';
import { sourceOf, tempDir, type Source } from './helpers.ts';

/** Every item a reader gives, as comparable values; `slowly`: the consumer yields to the event loop after each one. */
async function itemsOf(source: Source, splitting: CsvSplitting, slowly = false): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of readCsv(source, splitting)) {
    items.push(item.kind === 'note' ? [fieldsOf(item.note.fields), item.note.origin.line] : [item.reject.reason, item.reject.origin.line, item.reject.message]);
    if (slowly) await new Promise(setImmediate);
  }
  return items;
}

function fileOf(content: string | Buffer, name: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

const HEADER = 'ticket,id,createdAt,text,authorEmail,kind,customerName\n';

/** Rows whose cells repeat (kinds, agents, a customer's address and name twice in a row) as exports do. */
function rows(count: number, text: (i: number) => string = (i) => `message ${i}`): string {
  const kinds = ['customer', 'reply', 'note'];
  return Array.from({ length: count }, (_, i) => {
    const customer = `customer${i % 331}@example.com`;
    const author = i % 3 === 0 ? customer : `agent${i % 7}@example.com`;
    return `${i % 331},${i},2024-01-01T00:00:00Z,${text(i)},${author},${kinds[i % 3] ?? ''},Name ${i % 331}\n`;
  }).join('');
}

describe('the CSV splitter on its own thread', () => {
  it('gives a reader that takes each record slowly the same records as on this thread: many more batches than slots, each slot written again only once released', async () => {
    // About 9 MB: some 35 batches through 4 slots. A slot written again before its texts were
    // made would change records the slow reader has not taken yet.
    const path = fileOf(HEADER + rows(150_000), 'many-batches.csv');
    const here = await itemsOf(sourceOf('csv', path), 'fast-on-this-thread');
    expect(here).toHaveLength(150_000);
    expect(await itemsOf(sourceOf('csv', path), 'fast-on-own-thread', true)).toEqual(here);
  });

  it('hands over a record longer than a slot holds, quoted cells with escapes and line breaks, multi-byte text and a byte order mark', async () => {
    const long = `"${'x'.repeat(700 * 1024)} ""quoted"" end"`;
    const text = (i: number): string => (i === 1500 ? long : i % 11 === 0 ? `"two\nlines, ""quoted"" ${i}"` : i % 13 === 0 ? `café 😀 ${i}` : `plain ${i}`);
    const path = fileOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER + rows(3000, text))]), 'long-record.csv');
    const parsed = await itemsOf(sourceOf('csv', path), 'csv-parse');
    expect(parsed).toHaveLength(3000);
    expect(await itemsOf(sourceOf('csv', path), 'fast-on-own-thread')).toEqual(parsed);
  });

  it('starts a new batch for a record with more cells than a slot has room for, between records of the batch before', async () => {
    // 25,000 one-letter cells: more than a slot's cells, in a record only 50 kB long, so it comes
    // mid-chunk, after records already written to the slot (and is a wrong-length reject).
    const text = (i: number): string => (i === 700 ? Array.from({ length: 25_000 }, () => 'x').join(',') : `plain ${i}`);
    const path = fileOf(HEADER + rows(1500, text), 'many-cells.csv');
    const here = await itemsOf(sourceOf('csv', path), 'fast-on-this-thread');
    expect(here).toHaveLength(1500);
    expect(await itemsOf(sourceOf('csv', path), 'fast-on-own-thread')).toEqual(here);
  });

  it('reads latin1 by its bytes, and leaves the rest to csv-parse from the first record it does not read itself', async () => {
    const text = (i: number): string => (i === 2500 ? 'a "stray" quote' : i % 5 === 0 ? 'été à Noël' : `plain ${i}`);
    const path = fileOf(Buffer.from(HEADER + rows(4000, text), 'latin1'), 'latin1.csv');
    const source = sourceOf('csv', path, { encoding: 'latin1' });
    const parsed = await itemsOf(source, 'csv-parse');
    expect(parsed).toHaveLength(4000);
    expect(await itemsOf(source, 'fast-on-own-thread')).toEqual(parsed);
  });

  it.each(['fast-on-this-thread', 'fast-on-own-thread'] as const)('reports a file gone before its first read as a read failure naming the cause (%s)', async (splitting) => {
    const path = fileOf(HEADER + rows(10), 'gone.csv');
    // The reader checks the file when made; the thread opens it at the first read.
    const items = readCsv(sourceOf('csv', path), splitting)[Symbol.asyncIterator]();
    unlinkSync(path);
    const read = items.next();
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(`source.path: reading ${path} failed (ENOENT)`);
  });

  it('ends an empty file with the same error as on this thread', async () => {
    const path = fileOf('', 'empty.csv');
    await expect(itemsOf(sourceOf('csv', path), 'fast-on-own-thread')).rejects.toThrow(/is empty \(no header row\)/);
  });
});
