import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../src/attachments/store.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { readState } from '../../src/sources/export-state.ts';
import type { PlatformExport } from '../../src/sources/platform.ts';
import { desk, exportOf, outputOf, tempDir } from './export-run-helpers.ts';
import { DAY_2024, DESK_SECRET, deskPlatform } from './export-test-desk.ts';

function ticketIds(out: string): number[] {
  const text = outputOf(out)['tickets.jsonl'] ?? '';
  return text.trim() === '' ? [] : text.trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
}

describe('an export since a date or a previous export', () => {
  it('--since DATE writes only what was updated at or after it', async () => {
    const d = await desk();
    const out = tempDir();
    const since = new Date((DAY_2024 + 9 * 3600) * 1000).toISOString();
    const result = await exportOf(d, out, { since });
    expect(ticketIds(out)).toEqual([9, 10, 11, 12]);
    expect(result.state.since).toBe(since);
  });

  it('--since a previous export folder: only what changed after it began, and the import config shares its checkpoint and attachment store', async () => {
    const d = await desk();
    const first = tempDir();
    await exportOf(d, first);
    // After the first export: one ticket updated, one new, both with an attachment.
    const now = Math.floor(Date.now() / 1000);
    const changed = d.tickets.find((t) => t.id === 2);
    if (changed === undefined) throw new Error('ticket 2 missing');
    d.put({ ...changed, updated_at: now, comments: [...changed.comments, { id: 23, body: 'a new reply', author_id: 1, attachments: [{ content_url: [...d.bodies.keys()][0] ?? '' }] }] });
    d.put({ id: 13, updated_at: now, subject: 'new', comments: [{ id: 131, body: 'new ticket', author_id: 113, attachments: [] }] });
    const second = tempDir();
    const result = await exportOf(d, second, { since: first });
    expect(ticketIds(second)).toEqual([2, 13]);
    expect(result.state.since).toBe(readState(first)?.highWater);
    const config = JSON.parse(readFileSync(join(second, 'import.config.json'), 'utf8')) as { checkpoint: string; reports: string };
    expect(resolve(second, config.checkpoint)).toBe(join(first, '.hs-import', 'checkpoint.jsonl'));
    expect(config.reports).toBe('.hs-import/reports');
    // The link met again was stored by the first export, in the store the delta import reads.
    const store = new AttachmentStore(join(first, '.hs-import'));
    expect(store.get([...d.bodies.keys()][0] ?? '')?.status).toBe('stored');
    store.close();
    // A third export chains on: still the first export's checkpoint.
    const third = tempDir();
    await exportOf(d, third, { since: second });
    const chained = JSON.parse(readFileSync(join(third, 'import.config.json'), 'utf8')) as { checkpoint: string };
    expect(resolve(third, chained.checkpoint)).toBe(join(first, '.hs-import', 'checkpoint.jsonl'));
  });

  it('refuses --since naming an export that has not finished, of another platform, or no export at all', async () => {
    const d = await desk();
    const unfinished = tempDir();
    const abort = new AbortController();
    abort.abort();
    await exportOf(d, unfinished, { signal: abort.signal });
    await expect(exportOf(d, tempDir(), { since: unfinished })).rejects.toThrow(/has not finished; run it again/);
    const other = tempDir();
    await runExport({ ...deskPlatform(d.api.url, DESK_SECRET), platform: 'intercom' }, { out: other });
    await expect(exportOf(d, tempDir(), { since: other })).rejects.toThrow(/holds an export from intercom, not zendesk/);
    await expect(exportOf(d, tempDir(), { since: tempDir() })).rejects.toThrow(/holds no export/);
    await expect(exportOf(d, tempDir(), { since: 'last tuesday' })).rejects.toThrow(ConfigError);
  });
});

describe('the --out folder', () => {
  it('refuses a folder holding another platform\'s export, another account\'s, or files no export wrote', async () => {
    const d = await desk();
    const out = tempDir();
    await exportOf(d, out);
    const intercom: PlatformExport = { ...deskPlatform(d.api.url, DESK_SECRET), platform: 'intercom' };
    await expect(runExport(intercom, { out })).rejects.toThrow(/holds a zendesk export, not intercom/);
    const elsewhere = await desk();
    await expect(exportOf(elsewhere, out)).rejects.toThrow(/holds an export of http:\/\/127\.0\.0\.1:\d+, not/);
    const stray = tempDir();
    writeFileSync(join(stray, 'tickets.jsonl'), '{"id":1}\n');
    await expect(exportOf(d, stray)).rejects.toThrow(/already holds tickets\.jsonl not written by an export/);
    expect(readFileSync(join(stray, 'tickets.jsonl'), 'utf8')).toBe('{"id":1}\n');
  });

  it('run again after it finished, changes no file and sends no request; an import config the user filled in is kept', async () => {
    const d = await desk();
    const out = tempDir();
    await exportOf(d, out);
    const before = outputOf(out);
    const configPath = join(out, 'import.config.json');
    const filled = readFileSync(configPath, 'utf8').replace(/"FILL IN[^"]*"/, '7');
    writeFileSync(configPath, filled);
    const requests = d.api.requests.length;
    const again = await exportOf(d, out);
    expect(again.state.finished).toBe(true);
    expect(d.api.requests.length).toBe(requests);
    expect(outputOf(out)).toEqual(before);
    expect(readFileSync(configPath, 'utf8')).toBe(filled);
  });

  it('a state file that is not an export\'s is a clear error, not a crash', async () => {
    const d = await desk();
    const out = tempDir();
    mkdirSync(join(out, '.hs-export'));
    writeFileSync(join(out, '.hs-export', 'state.json'), '{"version":1,"platform":');
    await expect(exportOf(d, out)).rejects.toThrow(/not a readable export state/);
  });
});
