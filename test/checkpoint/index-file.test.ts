import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadIndex, saveIndex } from '../../src/checkpoint/index-file.ts';
import { SpoolReader, SpoolWriter } from '../../src/checkpoint/spool.ts';
import { validateConfig } from '../../src/config/load.ts';
import { indexSource } from '../../src/pipeline/index-pass.ts';
import { csvOf, generateRows } from '../helpers/import-env.ts';

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Pass 1 over a real CSV with a few bad rows, into a real spool. */
async function indexed() {
  dir = mkdtempSync(join(tmpdir(), 'hs-import-index-'));
  const rows = generateRows(30, 7, (t) => (t % 3 === 0 ? { conversation: 100 + t } : {}));
  writeFileSync(join(dir, 'notes.csv'), csvOf(rows) + 'T99,1,not a date,broken row,,,,,,,,\nT98,1,2020-01-01T00:00:00Z,,,,,,,,,\n');
  const config = validateConfig({ source: { format: 'csv', path: 'notes.csv' }, target: { baseUrl: 'http://127.0.0.1:1', mailboxId: 1 } }, join(dir, 'c.json'));
  const spoolPath = join(dir, 'spool.jsonl');
  const index = await indexSource(config, new SpoolWriter(spoolPath), Date.now());
  return { index, spoolPath, indexPath: join(dir, 'index.bin') };
}

describe('the resume index', () => {
  it('gives back the same table, rejects and row count, and the payloads still read from the spool', async () => {
    const { index, spoolPath, indexPath } = await indexed();
    saveIndex(indexPath, 'fp-1', spoolPath, index);
    const loaded = loadIndex(indexPath, 'fp-1', spoolPath);

    expect(loaded?.rowsRead).toBe(index.rowsRead);
    expect(loaded?.rejects).toEqual(index.rejects);
    expect(loaded?.rejects.map((r) => r.reason).sort()).toEqual(['empty_text', 'invalid_date']);
    const table = loaded?.table;
    expect(table?.size).toBe(210);
    const spool = new SpoolReader(spoolPath);
    for (let note = 0; note < index.table.size; note++) {
      const fields = (t: typeof index.table) => [t.key(note), t.ticket(note), t.conversation(note), t.epoch(note), t.bytes(note), t.line(note), t.customerEmail(note), t.subject(note), t.spool(note)];
      expect(table && fields(table)).toEqual(fields(index.table));
    }
    expect(table && spool.read(table.spool(209)).text).toMatch(/body of T29 note 6$/);
    spool.close();
  });

  it('is not used for another config or input (another fingerprint)', async () => {
    const { index, spoolPath, indexPath } = await indexed();
    saveIndex(indexPath, 'fp-1', spoolPath, index);
    expect(loadIndex(indexPath, 'fp-2', spoolPath)).toBeUndefined();
  });

  it('is not used when the spool is not the one it was saved with', async () => {
    const { index, spoolPath, indexPath } = await indexed();
    saveIndex(indexPath, 'fp-1', spoolPath, index);
    appendFileSync(spoolPath, '{"torn":');
    expect(loadIndex(indexPath, 'fp-1', spoolPath)).toBeUndefined();
  });

  it('a torn index file (crash while saving) is ignored, not trusted', async () => {
    const { index, spoolPath, indexPath } = await indexed();
    saveIndex(indexPath, 'fp-1', spoolPath, index);
    writeFileSync(indexPath, '{"v":1,"fingerpr');
    expect(loadIndex(indexPath, 'fp-1', spoolPath)).toBeUndefined();
  });
});
