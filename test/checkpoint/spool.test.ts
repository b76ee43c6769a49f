import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolReader, SpoolWriter } from '../../src/checkpoint/spool.ts';
import type { NoteDraft } from '../../src/mapper/note-draft.ts';
import { columnNames } from '../../src/readers/canonical-row.ts';
import { CsvHeader } from '../../src/readers/csv-header.ts';

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const CSV_HEADER = new CsvHeader(['id', 'text'], columnNames(undefined));

function draft(i: number, text: string): NoteDraft {
  return {
    key: `T:${i}`,
    ticket: 'T',
    id: String(i),
    createdAt: '2020-01-01T00:00:00Z',
    epoch: 1_577_836_800,
    seq: i,
    text,
    attachments: i % 2 ? [{ fileName: 'a.txt', mimeType: 'text/plain', path: '/x/a.txt', size: 3 }] : [],
    origin: { file: 'notes.csv', line: i + 2 },
    // A CSV row's fields are named only when spooled (odd notes); presets give them named.
    fields: i % 2 ? CSV_HEADER.fields([`${i}`, text]) : { id: `${i}`, text },
    authorEmail: undefined,
    kind: 'note',
    tags: [],
    ticketStatus: undefined,
    customerName: undefined,
  };
}

describe('spool', () => {
  it('reads back every payload by offset, in any order, small ones and ones far bigger than its read buffer, with the row named as read', () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-import-spool-'));
    const path = join(dir, 'spool.jsonl');
    // Multi-byte text, sizes from a few bytes to ~600 kB (past the 64 kB read buffer and the 1 MB write block).
    const texts = Array.from({ length: 40 }, (_, i) => `note ${i} — ünïcödé 🎫 `.repeat(i % 10 === 3 ? 20_000 : 1 + i));
    const writer = new SpoolWriter(path);
    const at = texts.map((text, i) => writer.put(draft(i, text)));
    writer.close();
    const reader = new SpoolReader(path);
    const order = texts.map((_, i) => (i * 17) % texts.length);
    for (const i of order) {
      const payload = reader.read(at[i] ?? { offset: 0, length: 0 });
      expect(payload.text).toBe(texts[i]);
      expect(payload.origin.line).toBe(i + 2);
      expect(payload.attachments).toHaveLength(i % 2);
      expect(payload.fields).toEqual({ id: `${i}`, text: texts[i] });
    }
    reader.close();
  });
});
