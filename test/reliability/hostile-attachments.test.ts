import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { filesUnder } from '../cli/helpers.ts';
import { csvOf, ENV, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from './recording-proxy.ts';

let env: ImportEnv | undefined;
let proxy: RecordingProxy | undefined;
let outside: string | undefined;
afterEach(async () => {
  await proxy?.close();
  await env?.close();
  if (outside !== undefined) rmSync(outside, { recursive: true, force: true });
  proxy = undefined;
  env = undefined;
  outside = undefined;
});

/** The CSV `attachments` column: a JSON array (of paths or objects), quoted as a CSV cell. */
function withAttachments(rows: readonly NoteRow[], attachments: readonly unknown[]): string {
  const [header = '', ...lines] = csvOf(rows).trimEnd().split('\n');
  const cell = (value: unknown): string => `"${JSON.stringify(value).replace(/"/g, '""')}"`;
  return [`${header},attachments`, ...lines.map((line, i) => `${line},${cell(attachments[i] ?? [])}`)].join('\n') + '\n';
}

/** The bytes of every attachment in an API request body (Create Note and Create Conversation both use `attachments[].data`). */
function attachmentPayloads(request: RecordedRequest): string[] {
  if (request.method !== 'POST' || !request.path.startsWith('/v2/conversations')) return [];
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'data' && typeof child === 'string') out.push(Buffer.from(child, 'base64').toString('latin1'));
        else walk(child);
      }
    }
  };
  walk(JSON.parse(request.body.toString('utf8')));
  return out;
}

describe('hostile and broken attachments in a CSV', () => {
  it('paths leaving the export (traversal, absolute, symlinks) are rejected attachment_path_outside_export and never read or sent; empty and oversize files are rejected too', async () => {
    outside = mkdtempSync(join(tmpdir(), 'hs-import-outside-'));
    const secretContent = `OUTSIDE-THE-EXPORT-${randomBytes(8).toString('hex')}`;
    const secretFile = join(outside, 'secret.txt');
    writeFileSync(secretFile, secretContent);
    const insideContent = `INSIDE-THE-EXPORT-${randomBytes(8).toString('hex')}`;
    let passwd = '';
    try {
      passwd = readFileSync('/etc/passwd', 'latin1').slice(0, 24);
    } catch {
      // No /etc/passwd here: the ../../etc/passwd row still has to be rejected, only its bytes cannot be looked for.
    }

    const cases: [string, unknown, string][] = [
      ['traversal to /etc/passwd', '../../etc/passwd', 'attachment_path_outside_export'],
      ['traversal to a sibling folder', `../${basename(outside)}/secret.txt`, 'attachment_path_outside_export'],
      ['traversal through a subfolder', `sub/../../${basename(outside)}/secret.txt`, 'attachment_path_outside_export'],
      ['absolute path', secretFile, 'attachment_path_outside_export'],
      ['absolute /etc/passwd', '/etc/passwd', 'attachment_path_outside_export'],
      ['absolute path in an object', { path: secretFile, fileName: 'harmless.txt', mimeType: 'text/plain' }, 'attachment_path_outside_export'],
      ['symlink to a file outside', 'link-out.txt', 'attachment_path_outside_export'],
      ['symlinked folder leading outside', 'sub/dir-out/secret.txt', 'attachment_path_outside_export'],
      ['zero-byte file', 'empty.txt', 'attachment_invalid'],
      ['file over the size limit', 'big.bin', 'attachment_too_large'],
    ];
    const rows: NoteRow[] = [...cases, ['the control: a file inside the export', 'good.txt', 'done'] as const].map(([name], i) => ({
      ticket: 'T0',
      id: String(i),
      createdAt: `2022-01-01T00:${String(i).padStart(2, '0')}:00Z`,
      text: `note ${i}: ${name}`,
      conversation: 1,
    }));

    env = await importEnv(rows, { conversations: [{ id: 1 }] });
    const dir = env.dir;
    writeFileSync(join(dir, 'notes.csv'), withAttachments(rows, [...cases.map(([, a]) => [a]), ['good.txt']]));
    writeFileSync(join(dir, 'good.txt'), insideContent);
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096, 1));
    symlinkSync(secretFile, join(dir, 'link-out.txt'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync(outside, join(dir, 'sub', 'dir-out'));
    proxy = await startRecordingProxy(env.sim.url);
    const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { source: Record<string, unknown>; target: Record<string, unknown> };
    raw.source.maxAttachmentBytes = 1024;
    raw.target.baseUrl = proxy.url;
    writeFileSync(env.configPath, JSON.stringify(raw));

    const result = await runImport(loadConfig(env.configPath), { env: ENV });

    const ended = new Map([...result.results()].map((r) => [r.key, r.status === 'rejected' ? r.reason : r.status]));
    const rejectedAtReading = new Map(result.rejects.map((r) => [`${r.ticket ?? ''}:${r.id ?? ''}`, r.reason]));
    const outcome = rows.map((r) => [r.text, ended.get(`T0:${r.id}`) ?? rejectedAtReading.get(`T0:${r.id}`)]);
    expect(outcome).toEqual(rows.map((r, i) => [r.text, cases[i]?.[2] ?? 'done']));

    // The control's bytes crossed the wire and were stored: the search below can find sent files.
    const sent = proxy.requests.flatMap(attachmentPayloads);
    expect(sent).toEqual([insideContent]);
    const stored = [...env.sim.state.conversations.values()].flatMap((c) => c.threads.flatMap((t) => t.attachments.map((a) => Buffer.from(a.data, 'base64').toString('latin1'))));
    expect(stored).toEqual([insideContent]);

    // Nothing from outside is in any request (raw or encoded) nor in any file the run wrote.
    const needles = [secretContent, Buffer.from(secretContent).toString('base64'), ...(passwd === '' ? [] : [passwd, Buffer.from(passwd).toString('base64')])];
    const requestHits = proxy.requests.filter((r) => needles.some((n) => r.body.toString('latin1').includes(n)));
    expect(requestHits.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // (The two symlinks the test planted lead outside by design: they are not files the run wrote.)
    const written = filesUnder(dir).filter((f) => !f.path.includes('-out'));
    expect(written.some((f) => f.path.endsWith('checkpoint.jsonl.spool'))).toBe(true);
    expect(written.filter((f) => needles.some((n) => f.text.includes(n))).map((f) => f.path)).toEqual([]);
  });
});
