import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../src/attachments/store.ts';
import { readState } from '../../src/sources/export-state.ts';
import { desk, expectNoSecret, exportOf, outputOf, tempDir } from './export-run-helpers.ts';
import { DESK_SECRET } from './export-test-desk.ts';

describe('the export runner', () => {
  it('writes every record once, stores every attachment byte-identical, and writes the import config and report without the credential', async () => {
    const d = await desk();
    const out = tempDir();
    const result = await exportOf(d, out);
    expect(result.interrupted).toBe(false);
    const tickets = outputOf(out)['tickets.jsonl']?.trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
    expect(tickets).toEqual(d.tickets.map((t) => t.id));
    expect(result.state).toMatchObject({ finished: true, counts: { tickets: 12, messages: 24, attachmentsStored: 4, records: { 'tickets.jsonl': 12 } } });
    const store = new AttachmentStore(join(out, '.hs-import'));
    for (const [link, body] of d.bodies) {
      const entry = store.get(link);
      expect(entry?.status).toBe('stored');
      if (entry?.status === 'stored') expect(readFileSync(store.blobPath(entry.sha256)).equals(body)).toBe(true);
    }
    store.close();
    const config = JSON.parse(readFileSync(join(out, 'import.config.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(config.source).toEqual({ format: 'zendesk', path: 'tickets.jsonl', users: 'users.jsonl', attachments: { hosts: ['127.0.0.1'], authEnv: 'ZENDESK_ATTACHMENT_AUTHORIZATION' } });
    expect(config).toMatchObject({ checkpoint: '.hs-import/checkpoint.jsonl', reports: '.hs-import/reports' });
    const report = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ finished: true, tickets: 12, messages: 24, requests: 4, count429: 0, attachments: { stored: 4 } });
    expect(readFileSync(join(out, 'export.md'), 'utf8')).toContain('12 tickets, 24 messages');
    // The API and the attachment host got the credential; nothing under --out has it.
    expect(d.files.requests.every((r) => r.headers.authorization === DESK_SECRET)).toBe(true);
    expectNoSecret(out);
  });

  it('refuses a next link to another origin: nothing is sent there and the cursor stays before it', async () => {
    const d = await desk();
    const elsewhere = await desk();
    d.nextPage = (index) => `${elsewhere.api.url}/api/tickets?page=${index + 1}`;
    const out = tempDir();
    await expect(exportOf(d, out)).rejects.toThrow(/refused a link to http:\/\/127\.0\.0\.1:\d+: the source API is/);
    expect(elsewhere.api.requests).toHaveLength(0);
    const state = readState(out);
    expect(state?.finished).toBe(false);
    expect(state?.counts.tickets).toBe(3);
    expectNoSecret(out);
  });

  it('waits for the window to reset when the budget headers say it is spent: no 429', async () => {
    // 13 requests at 4 a window: the simulator answers 429 to any request over it, so its count is the verdict.
    const d = await desk({ pageSize: 1, limit: { requests: 4, windowMs: 600 } });
    const out = tempDir();
    const result = await exportOf(d, out);
    expect(result.state.counts.tickets).toBe(12);
    expect(d.api.count429).toBe(0);
  });

  it('counts attachment downloads from the API\'s own host against the same budget: no 429 for them or the pages', async () => {
    const d = await desk({ pageSize: 1, attachEvery: 2, limit: { requests: 4, windowMs: 600 }, attachmentsOnApi: true });
    const out = tempDir();
    const result = await exportOf(d, out);
    expect(result.state.counts).toMatchObject({ tickets: 12, attachmentsStored: 6, requests: 12 + 6 });
    expect(d.api.requests.filter((r) => r.url.startsWith('/attachments/'))).toHaveLength(6);
    expect(d.api.count429).toBe(0);
  });

  it('waits out a 429 when the source states no budget: a 429 is never followed by another', async () => {
    const d = await desk({ pageSize: 1, limit: { requests: 4, windowMs: 300 }, quietBudget: true });
    const out = tempDir();
    const result = await exportOf(d, out);
    expect(result.state.counts.tickets).toBe(12);
    const statuses = d.api.requests.map((r) => r.status);
    expect(statuses).toContain(429);
    statuses.forEach((status, i) => {
      if (status === 429) expect(statuses[i + 1]).toBe(200);
    });
    expect(result.state.counts.count429).toBe(d.api.count429);
  });

  it('retries 5xx answers and dropped connections, and the files are those of an export without faults', async () => {
    const d = await desk({ faults: new Map<number, 500 | 503 | 'reset'>([[1, 503], [2, 'reset'], [4, 500], [5, 'reset']]) });
    const out = tempDir();
    const result = await exportOf(d, out);
    expect(result.state.counts.retries).toBe(4);
    // The faults were the first requests': the same desk now answers every one.
    const reference = tempDir();
    await exportOf(d, reference);
    expect(outputOf(out)).toEqual(outputOf(reference));
  });

  it('gives up on a source that keeps failing with an error naming the path, never the credential', async () => {
    const d = await desk({ faults: new Map<number, 503>(Array.from({ length: 10 }, (_, i) => [i + 1, 503])) });
    const out = tempDir();
    const failure = exportOf(d, out, { http: { attempts: 3, backoffMs: 1 } });
    await expect(failure).rejects.toThrow('GET /api/tickets: HTTP 503 after 3 tries');
    await failure.catch((error: unknown) => {
      expect(String(error)).not.toContain('desk-secret');
    });
    expect(d.api.requests).toHaveLength(3);
  });

  it('on the signal, finishes and saves the batch in flight, stops, and a later export completes the same files', async () => {
    const d = await desk();
    const reference = tempDir();
    await exportOf(d, reference);
    const out = tempDir();
    const abort = new AbortController();
    const first = await exportOf(d, out, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.counts.tickets === 3) abort.abort();
      },
    });
    expect(first).toMatchObject({ interrupted: true, configPath: undefined, state: { finished: false, counts: { tickets: 3 } } });
    expect(existsSync(join(out, 'import.config.json'))).toBe(false);
    const second = await exportOf(d, out);
    expect(second.state).toMatchObject({ finished: true, counts: { tickets: 12 } });
    expect(outputOf(out)).toEqual(outputOf(reference));
  });

  it('refuses to go on from a state that names more bytes than a file holds (a power cut ate them), instead of losing records', async () => {
    const d = await desk();
    const out = tempDir();
    const abort = new AbortController();
    await exportOf(d, out, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.counts.tickets === 3) abort.abort();
      },
    });
    const file = join(out, 'tickets.jsonl');
    truncateSync(file, statSync(file).size - 10);
    await expect(exportOf(d, out)).rejects.toThrow(/tickets\.jsonl holds \d+ bytes where the export's last save says \d+/);
  });
});
