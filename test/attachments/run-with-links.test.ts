import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAttachments } from '../../src/attachments/fetch-pass.ts';
import { planImport } from '../../src/pipeline/plan-import.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { writeFetchReport } from '../../src/report/fetch-report.ts';
import { writeRunReport } from '../../src/report/run-report.ts';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';
import { filesUnder } from '../cli/helpers.ts';
import type { ImportEnv, NoteRow } from '../helpers/import-env.ts';
import { AUTH, linkEnv, RUN_ENV, threadWith } from './link-env.ts';

let server: RunningFileServer | undefined;
let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  await server?.close();
  env = undefined;
  server = undefined;
});

const row = (id: string, text: string, attachments: readonly unknown[] = []): NoteRow & { attachments: readonly unknown[] } => ({
  ticket: 'T1',
  id,
  createdAt: `2020-01-01T00:0${id}:00Z`,
  text,
  conversation: 1,
  attachments,
});

const decoded = (data: string): Buffer => Buffer.from(data, 'base64');

describe('attachments behind links (DESIGN §9)', () => {
  it('lands every linked file and inline image byte-identical, each fetched once, the credential only on the listed origin and in no file', async () => {
    server = await startFileServer();
    const files = { pdf: randomBytes(3000), png: randomBytes(1200), txt: randomBytes(800) };
    // Zendesk: an authenticated link answering 302 to a one-use temporary link on another port.
    server.route('/attachments/token/pdf/report.pdf', { body: files.pdf, contentType: 'application/pdf', requireHeader: { name: 'authorization', value: AUTH }, temporary: true });
    server.route('/images/logo.png', { body: files.png, contentType: 'image/png' });
    server.route('/files/notes.txt', { body: files.txt, contentType: 'text/plain', failFirst: { times: 1, with: 503 } });
    const u = server.url;
    const made = await linkEnv(
      [
        row('1', 'note one', [{ file_name: 'report.pdf', content_url: `${u}/attachments/token/pdf/report.pdf`, content_type: 'application/pdf' }]),
        row('2', `<p>note two <img src="${u}/images/logo.png" alt="logo"></p>`, [{ name: 'notes.txt', url: `${u}/files/notes.txt` }]),
        // The same file linked again: stored once, attached to both notes.
        row('3', 'note three', [{ name: 'again.txt', url: `${u}/files/notes.txt` }]),
      ],
      { hosts: ['127.0.0.1'] },
    );
    env = made.env;
    const config = made.config();

    const fetched = await fetchAttachments(config, { env: RUN_ENV, retryFailed: true, fetcher: { backoffMs: 1 } });
    expect(fetched).toMatchObject({ links: 3, fetched: 3, alreadyStored: 0, inlineImages: 1, failedByReason: {} });
    writeFetchReport(config.reports, fetched);
    const plan = await planImport(config);
    expect(plan.attachments).toEqual({ links: 3, stored: 3, notStoredYet: 0, failed: 0 });
    const result = await runImport(config, { env: RUN_ENV });
    writeRunReport(config.reports, result);
    expect(result.counts).toMatchObject({ done: 3, rejected: 0 });
    expect(result.attachments).toMatchObject({ fetched: 0, alreadyStored: 3 });

    const one = threadWith(env, 'note one');
    expect(one.attachments.map((a) => [a.fileName, a.mimeType])).toEqual([['report.pdf', 'application/pdf']]);
    expect(decoded(one.attachments[0]?.data ?? '').equals(files.pdf)).toBe(true);
    const two = threadWith(env, 'note two');
    expect(two.body).toContain('[image: logo.png]');
    expect(two.body).not.toContain('<img');
    expect(two.attachments.map((a) => a.fileName).sort()).toEqual(['logo.png', 'notes.txt']);
    for (const a of two.attachments) expect(decoded(a.data).equals(a.fileName === 'logo.png' ? files.png : files.txt), a.fileName).toBe(true);
    expect(decoded(threadWith(env, 'note three').attachments[0]?.data ?? '').equals(files.txt)).toBe(true);

    // Once each (the 503 retried once): neither the run nor the plan fetched anything again.
    expect(server.hits('/attachments/token/pdf/report.pdf')).toBe(1);
    expect(server.hits('/images/logo.png')).toBe(1);
    expect(server.hits('/files/notes.txt')).toBe(2);
    for (const r of server.requests) {
      // Listed origin: with the credential; the temporary link on the other port: never.
      expect(r.headers.authorization, `${r.listener} ${r.path}`).toBe(r.listener === 'temporary' ? undefined : AUTH);
    }
    const written = filesUnder(env.dir).filter((f) => f.path.includes('/state/') || f.path.includes('/reports/'));
    expect(written.some((f) => f.path.endsWith('fetch.json'))).toBe(true);
    expect(written.some((f) => f.path.endsWith('manifest.jsonl'))).toBe(true);
    for (const f of written) expect(f.text, f.path).not.toContain(AUTH.split(' ')[1]);
  });

  it('each broken link has its reason: the message is imported with one line per missing file (policy "note"), nothing crashes, nothing lost', async () => {
    server = await startFileServer();
    const good = randomBytes(500);
    server.route('/ok.bin', { body: good });
    server.route('/gone.pdf', { status: 404 });
    server.route('/private.pdf', { status: 403 });
    server.route('/huge.zip', { body: randomBytes(5000) });
    server.route('/lying.zip', { body: randomBytes(5000), declaredLength: 100 });
    server.route('/expired.png', { body: good, uses: 0 });
    server.route('/loop', { redirect: '/loop' });
    const u = server.url;
    const unlisted = `${server.temporaryUrl.replace('127.0.0.1', 'localhost')}/elsewhere.doc`;
    const cases: readonly (readonly [string, string, RegExp])[] = [
      ['gone.pdf', `${u}/gone.pdf`, /attachment_unavailable: HTTP 404/],
      ['private.pdf', `${u}/private.pdf`, /attachment_unavailable: HTTP 403/],
      ['huge.zip', `${u}/huge.zip`, /attachment_too_large/],
      ['lying.zip', `${u}/lying.zip`, /Content-Length/],
      ['expired.png', `${u}/expired.png`, /attachment_unavailable: HTTP 403/],
      ['loop', `${u}/loop`, /more than 5 redirects/],
      ['elsewhere.doc', unlisted, /attachment_host_not_allowed/],
      ['passwd', 'file:///etc/passwd', /attachment_unavailable: file:\/\/ links are not fetched/],
      ['file.bin', 'ftp://127.0.0.1/file.bin', /attachment_unavailable: ftp:\/\/ links are not fetched/],
    ];
    const made = await linkEnv(
      cases.map(([name, link], i) => row(String(i + 1), `broken ${name}`, [{ name, url: link }, { name: 'ok.bin', url: `${u}/ok.bin` }])),
      { hosts: ['127.0.0.1'], maxAttachmentBytes: 2000 },
    );
    env = made.env;
    const result = await runImport(made.config(), { env: RUN_ENV });
    expect(result.counts).toMatchObject({ done: cases.length, rejected: 0, inDoubt: 0 });
    for (const [name, , reason] of cases) {
      const thread = threadWith(env, `broken ${name}`);
      expect(thread.body).toMatch(new RegExp(`File not imported: ${name.replace('.', '\\.')} \\(`));
      expect(thread.body, name).toMatch(reason);
      expect(thread.attachments.map((a) => a.fileName)).toEqual(['ok.bin']);
      expect(decoded(thread.attachments[0]?.data ?? '').equals(good)).toBe(true);
    }
    expect(result.attachments?.failedByReason).toEqual({ attachment_unavailable: 7, attachment_too_large: 1, attachment_host_not_allowed: 1 });
    expect(server.requests.filter((r) => r.listener === 'temporary')).toEqual([]);
  });

  it('policy "reject": a message with a file that could not be moved goes to the rejects with the reason, the others land', async () => {
    server = await startFileServer();
    server.route('/ok.bin', { body: randomBytes(10) });
    server.route('/gone.pdf', { status: 404 });
    const u = server.url;
    const made = await linkEnv([row('1', 'keeps', [{ name: 'ok.bin', url: `${u}/ok.bin` }]), row('2', 'loses', [{ name: 'gone.pdf', url: `${u}/gone.pdf` }])], {
      hosts: ['127.0.0.1'],
      missingAttachment: 'reject',
    });
    env = made.env;
    const result = await runImport(made.config(), { env: RUN_ENV });
    expect(result.counts).toMatchObject({ done: 1, rejected: 1 });
    expect(result.rejects).toMatchObject([{ id: '2', reason: 'attachment_unavailable', message: 'gone.pdf: HTTP 404' }]);
    expect(threadWith(env, 'keeps').attachments).toHaveLength(1);
  });

  it('plan counts what is not stored yet and downloads nothing', async () => {
    server = await startFileServer();
    server.route('/a.bin', { body: randomBytes(10) });
    const made = await linkEnv([row('1', 'one', [{ name: 'a.bin', url: `${server.url}/a.bin`, size: 10 }])], { hosts: ['127.0.0.1'] });
    env = made.env;
    const plan = await planImport(made.config());
    expect(plan.attachments).toEqual({ links: 1, stored: 0, notStoredYet: 1, failed: 0 });
    expect(server.requests).toEqual([]);
  });
});
