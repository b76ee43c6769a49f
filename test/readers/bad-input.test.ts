import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { runCli } from '../cli/helpers.ts';
import { draftsOf, FIXTURES, mapAll, notesOf, readAll, rejectsOf, sourceOf, tempDir, type Source } from './helpers.ts';

function tempFile(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

/** Deterministic bytes that are no text in any encoding (a tiny xorshift, so failures reproduce). */
function garbage(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const TEN_MB = 10 * 1024 * 1024;

/** JSON text of arrays nested `levels` deep: JSON.parse reads it, JSON.stringify overflows the stack on it. */
function nested(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const DEEP = nested(200_000);

/** A jsonl row whose extra column `x` nests 200,000 levels deep, then a good row. */
const JSONL_WITH_DEEP_ROW = [
  `{"ticket":"1","id":"1","createdAt":"2020-01-01T00:00:00Z","text":"hi","x":${DEEP}}`,
  '{"ticket":"1","id":"2","createdAt":"2020-01-01T00:00:00Z","text":"fine","conversation":"5"}',
  '',
].join('\n');

/** One good record a line for each JSON format, read after a bad line. */
const GOOD_RECORD = {
  jsonl: '{"ticket":"1","id":"2","createdAt":"2020-01-01T00:00:00Z","text":"fine"}',
  zendesk: '{"id":1,"comments":[{"id":2,"body":"fine","created_at":"2020-01-01T00:00:00Z"}]}',
  freshdesk: '{"id":1,"description_text":"fine","created_at":"2020-01-01T00:00:00Z"}',
  intercom: '{"id":1,"created_at":1577836800,"source":{"body":"fine"}}',
} as const;

describe('bad input', () => {
  it('reads the complete tickets of a truncated JSON export and rejects the cut one', async () => {
    const items = await readAll(sourceOf('zendesk', 'zendesk_truncated_export.json'));
    expect(notesOf(items).map((n) => [n.ticket, n.id])).toEqual([['701', '7001']]);
    expect(rejectsOf(items)).toMatchObject([{ reason: 'invalid_json', origin: { file: join(FIXTURES, 'zendesk/zendesk_truncated_export.json'), line: 2 } }]);
    expect(rejectsOf(items)[0]?.message).toMatch(/truncated/);
  });

  it('refuses binary garbage given as CSV with a ConfigError naming the missing columns', async () => {
    const path = tempFile('garbage.csv', garbage(200_000));
    await expect(readAll(sourceOf('csv', path))).rejects.toThrow(ConfigError);
    await expect(readAll(sourceOf('csv', path))).rejects.toThrow(/required column "ticket" is missing/);
  });

  it.each(['jsonl', 'zendesk', 'freshdesk', 'intercom'] as const)('turns binary garbage given as %s into rejects only', async (format) => {
    const items = await readAll(sourceOf(format, tempFile('garbage.json', garbage(200_000))));
    expect(notesOf(items)).toEqual([]);
    expect(items.length).toBeGreaterThan(0);
    for (const reject of rejectsOf(items)) {
      expect(['invalid_json', 'invalid_encoding', 'invalid_record']).toContain(reject.reason);
      expect(reject.origin.line).toBeGreaterThan(0);
      // A reject keeps a short excerpt of a bad record, never the whole of it.
      expect(reject.fields.raw?.length ?? 0).toBeLessThanOrEqual(1001);
    }
  });

  it('rejects rows of a latin1 CSV read as UTF-8 as invalid_encoding, naming the column', async () => {
    const items = await readAll(sourceOf('csv', 'csv_latin1_accents.csv'));
    expect(notesOf(items)).toEqual([]);
    expect(rejectsOf(items)).toMatchObject([{ reason: 'invalid_encoding', field: 'text', ticket: 'T-9', id: '1', origin: { line: 2 } }]);
    expect(rejectsOf(items)[0]?.message).toMatch(/source\.encoding/);
  });

  it('explains a UTF-16 CSV without byte order mark read as UTF-8', async () => {
    const path = tempFile('utf16.csv', Buffer.from('ticket,id,createdAt,text\r\nT-1,1,2024-01-01T00:00:00Z,hi\r\n', 'utf16le'));
    await expect(readAll(sourceOf('csv', path))).rejects.toThrow(/the file looks UTF-16: set source.encoding to "utf16le"/);
  });

  it('rejects a latin1 JSON export read as UTF-8 as invalid_encoding', async () => {
    const line = JSON.stringify({ id: 5, comments: [{ id: 1, body: 'Café crème', created_at: '2024-01-01T00:00:00Z' }] });
    const path = tempFile('latin1.ndjson', Buffer.from(`${line}\n`, 'latin1'));
    expect(rejectsOf(await readAll(sourceOf('zendesk', path)))).toMatchObject([{ reason: 'invalid_encoding', origin: { line: 1 } }]);
    expect(notesOf(await readAll(sourceOf('zendesk', path, { encoding: 'latin1' }))).map((n) => n.text)).toEqual(['Café crème']);
  });

  it.each([
    ['csv', (big: string) => `ticket,id,createdAt,text\n1,1,2024-01-01T00:00:00Z,"${big}"\n1,2,2024-01-01T00:00:00Z,small\n`],
    ['jsonl', (big: string) => `${JSON.stringify({ ticket: '1', id: '1', createdAt: '2024-01-01T00:00:00Z', text: big })}\n{"ticket":"1","id":"2","createdAt":"2024-01-01T00:00:00Z","text":"small"}\n`],
    ['zendesk', (big: string) => `${JSON.stringify({ id: 1, comments: [{ id: 1, body: big, created_at: '2024-01-01T00:00:00Z' }, { id: 2, body: 'small', created_at: '2024-01-01T00:00:00Z' }] })}\n`],
  ] as const)('imports a 10 MB field of a %s export whole and reads on', async (format, content) => {
    const big = 'x'.repeat(TEN_MB);
    const results = await mapAll(sourceOf(format, tempFile('big.txt', content(big))));
    expect(draftsOf(results).map((d) => [d.id, d.text.length])).toEqual([
      ['1', expect.any(Number) as unknown],
      ['2', expect.any(Number) as unknown],
    ]);
    expect(draftsOf(results)[0]?.text.endsWith(big)).toBe(true);
  });

  it('rejects a CSV quote that is never closed instead of swallowing the file silently', async () => {
    const path = tempFile('open-quote.csv', 'ticket,id,createdAt,text\n1,1,2024-01-01T00:00:00Z,fine\n1,2,2024-01-01T00:00:00Z,"never closed\n1,3,2024-01-01T00:00:00Z,lost\n');
    const items = await readAll(sourceOf('csv', path));
    expect(notesOf(items).map((n) => n.id)).toEqual(['1']);
    expect(rejectsOf(items)).toMatchObject([{ reason: 'invalid_record', message: expect.stringMatching(/CSV_QUOTE_NOT_CLOSED/) as unknown }]);
  });

  it('refuses an empty CSV with a ConfigError, and reads nothing from an empty JSON export', async () => {
    await expect(readAll(sourceOf('csv', tempFile('empty.csv', '')))).rejects.toThrow(/is empty \(no header row\)/);
    const formats: Source['format'][] = ['jsonl', 'zendesk', 'freshdesk', 'intercom'];
    for (const format of formats) expect(await readAll(sourceOf(format, tempFile('empty.json', '')))).toEqual([]);
  });

  it('rejects a JSONL row with a value nested 200,000 levels deep, naming the column and line, and reads on', async () => {
    const items = await readAll(sourceOf('jsonl', tempFile('deep.jsonl', JSONL_WITH_DEEP_ROW)));
    expect(notesOf(items).map((n) => n.id)).toEqual(['2']);
    expect(rejectsOf(items)).toMatchObject([
      { reason: 'invalid_record', field: 'x', ticket: '1', id: '1', origin: { line: 1 }, message: 'line 1: "x" is nested more than 64 levels deep', fields: { ticket: '1', id: '1', text: 'hi' } },
    ]);
  });

  it.each(['jsonl', 'zendesk', 'freshdesk', 'intercom'] as const)('rejects a %s record that is an array nested 200,000 levels deep, and reads on', async (format) => {
    const items = await readAll(sourceOf(format, tempFile('deep.json', `${DEEP}\n${GOOD_RECORD[format]}\n`)));
    expect(notesOf(items)).toHaveLength(1);
    expect(rejectsOf(items)).toEqual([
      { reason: 'invalid_record', message: 'record 1 is an array nested more than 64 levels deep, expected an object', origin: { file: expect.stringMatching(/deep\.json$/) as unknown, line: 1 }, fields: {} },
    ]);
  });

  it.each([
    ['one a line', (ticket: string) => `${ticket}\n`],
    ['in a JSON array', (ticket: string) => `[\n${ticket}\n]\n`],
  ])('imports a Zendesk ticket %s whose unused fields nest 200,000 levels deep', async (_layout, file) => {
    const ticket = `{"id":1,"custom":${DEEP},"comments":[{"id":2,"body":"fine","created_at":"2020-01-01T00:00:00Z","metadata":${DEEP}}]}`;
    const items = await readAll(sourceOf('zendesk', tempFile('deep.json', file(ticket))));
    expect(rejectsOf(items)).toEqual([]);
    expect(notesOf(items).map((n) => [n.ticket, n.id, n.text])).toEqual([['1', '2', 'fine']]);
  });

  it('plans the rest of a JSONL export with a row nested 200,000 levels deep, instead of aborting', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.jsonl'), JSONL_WITH_DEEP_ROW);
    const config = { source: { format: 'jsonl', path: 'notes.jsonl' }, target: { baseUrl: 'https://api.helpscout.net', mailboxId: 1 }, checkpoint: 'state/checkpoint.jsonl', reports: 'reports' };
    writeFileSync(join(dir, 'import.config.json'), JSON.stringify(config));
    const cli = await runCli(['plan', '--config', join(dir, 'import.config.json')]);
    expect(cli.stderr).not.toMatch(/RangeError|aborted/);
    expect(cli.code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'reports/plan.json'), 'utf8')) as { notesToImport: number; rejectsByReason: { reason: string; count: number }[] };
    expect(plan.notesToImport).toBe(1);
    expect(plan.rejectsByReason.map((r) => [r.reason, r.count])).toEqual([['invalid_record', 1]]);
  }, 60_000);
});
