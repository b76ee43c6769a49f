import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentFetcher, type FetcherOptions } from '../../src/attachments/fetcher.ts';
import { AttachmentStore, type ManifestEntry } from '../../src/attachments/store.ts';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';
import { filesUnder } from '../cli/helpers.ts';

const SECRET = 'Bearer zd-secret-7f3a9c-never-print';
let server: RunningFileServer;
let dir: string;
let store: AttachmentStore;
let fetcher: AttachmentFetcher;

function open(options: Partial<FetcherOptions> = {}): void {
  store = new AttachmentStore(dir);
  fetcher = new AttachmentFetcher(store, { hosts: ['127.0.0.1'], authorization: SECRET, maxBytes: 1000, attempts: 3, backoffMs: 1, timeoutMs: 2000, ...options });
}

beforeEach(async () => {
  server = await startFileServer();
  dir = mkdtempSync(join(tmpdir(), 'hs-import-store-'));
  open();
});
afterEach(async () => {
  await fetcher.close();
  store.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function entryOf(link: string): Promise<ManifestEntry> {
  return (await fetcher.fetch(link)).entry;
}

function failure(entry: ManifestEntry): { reason: string; message: string } {
  if (entry.status !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(entry)}`);
  return { reason: entry.reason, message: entry.message };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function storedBytes(entry: ManifestEntry): Buffer {
  if (entry.status !== 'stored') throw new Error(`expected stored, got ${JSON.stringify(entry)}`);
  return readFileSync(store.blobPath(entry.sha256));
}

describe('the attachment fetcher and its store', () => {
  it('stores a file byte-identical under its sha256, and never fetches a stored link again, even from a new store on the same folder', async () => {
    const body = randomBytes(700);
    server.route('/a/report.pdf', { body, contentType: 'application/pdf' });
    const link = `${server.url}/a/report.pdf?token=abc`;
    const entry = await entryOf(link);
    expect(storedBytes(entry).equals(body)).toBe(true);
    expect(entry).toMatchObject({ status: 'stored', bytes: 700, mimeType: 'application/pdf' });
    expect((await fetcher.fetch(link)).kind).toBe('already-stored');
    await fetcher.close();
    store.close();
    open();
    expect((await fetcher.fetch(link)).kind).toBe('already-stored');
    expect(server.hits('/a/report.pdf')).toBe(1);
  });

  it('sends the credential to the listed link only, never to the temporary link it redirects to on another port', async () => {
    const body = randomBytes(500);
    server.route('/attachments/token/1', { body, requireHeader: { name: 'authorization', value: SECRET }, temporary: true });
    const entry = await entryOf(`${server.url}/attachments/token/1`);
    expect(storedBytes(entry).equals(body)).toBe(true);
    const main = server.requests.filter((r) => r.listener === 'main');
    const temporary = server.requests.filter((r) => r.listener === 'temporary');
    expect(main.map((r) => r.headers.authorization)).toEqual([SECRET]);
    expect(temporary).toHaveLength(1);
    expect(temporary.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it('once a redirect left the origin, the credential is not sent again, even back on the listed origin', async () => {
    server.route('/bounce', { redirect: `${server.temporaryUrl}/back` });
    server.route('/back', { redirect: `${server.url}/final` }, 'temporary');
    server.route('/final', { body: randomBytes(10) });
    expect((await entryOf(`${server.url}/bounce`)).status).toBe('stored');
    expect(server.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/bounce', SECRET],
      ['/back', undefined],
      ['/final', undefined],
    ]);
  });

  it('refuses a host not listed without a request, and a redirect to an unlisted host that resolves to loopback', async () => {
    server.route('/x', { body: Buffer.from('x') });
    expect(failure(await entryOf(`${server.temporaryUrl.replace('127.0.0.1', 'localhost')}/x`)).reason).toBe('attachment_host_not_allowed');
    server.route('/to-localhost', { redirect: `${server.temporaryUrl.replace('127.0.0.1', 'localhost')}/x` });
    expect(failure(await entryOf(`${server.url}/to-localhost`))).toMatchObject({ reason: 'attachment_host_not_allowed' });
    expect(server.requests.filter((r) => r.listener === 'temporary')).toEqual([]);
  });

  it('refuses listed loopback only by host:port when the list says so: the other port is not listed', async () => {
    await fetcher.close();
    open({ hosts: [new URL(server.url).host] });
    server.route('/ok', { body: Buffer.from('ok') });
    server.route('/ok', { body: Buffer.from('ok') }, 'temporary');
    expect((await entryOf(`${server.url}/ok`)).status).toBe('stored');
    expect(failure(await entryOf(`${server.temporaryUrl}/ok`)).reason).toBe('attachment_host_not_allowed');
    expect(server.hits('/ok', 'temporary')).toBe(0);
  });

  it.each([
    ['Content-Length over the limit', 'attachment_too_large', { body: randomBytes(1500) }, /Content-Length 1500/],
    ['no Content-Length, body over the limit', 'attachment_too_large', { body: randomBytes(1500), chunked: true }, /while downloading/],
    ['403', 'attachment_unavailable', { status: 403 }, /HTTP 403/],
    ['404', 'attachment_unavailable', { status: 404 }, /HTTP 404/],
    ['410', 'attachment_unavailable', { status: 410 }, /HTTP 410/],
    ['expired link (used up)', 'attachment_unavailable', { body: randomBytes(10), uses: 0 }, /HTTP 403/],
    ['credential wanted and refused', 'attachment_unavailable', { body: randomBytes(10), requireHeader: { name: 'authorization', value: 'other' } }, /HTTP 401/],
    ['a redirect to a broken Location', 'attachment_unavailable', { redirect: 'http://[oops' }, /redirected: not a URL/],
    ['503 every time', 'attachment_unavailable', { failFirst: { times: 99, with: 503 as const } }, /HTTP 503 \(after 3 tries\)/],
  ] as const)('%s → %s, recorded in the manifest', async (_name, reason, route, message) => {
    server.route('/f', route);
    const got = failure(await entryOf(`${server.url}/f`));
    expect(got.reason).toBe(reason);
    expect(got.message).toMatch(message);
    expect(store.get(`${server.url}/f`)).toMatchObject({ status: 'failed', reason });
    // Neither a blob nor a partial temp file is left behind.
    expect(filesUnder(dir).filter((f) => !f.path.endsWith('manifest.jsonl'))).toEqual([]);
  });

  it('a file of many chunks lands byte-identical under its sha256, with no temp file left', async () => {
    await fetcher.close();
    open({ maxBytes: 8_000_000 });
    const body = randomBytes(3_000_000);
    server.route('/big.bin', { body });
    server.route('/big-chunked.bin', { body: body.subarray(1), chunked: true });
    const entries = [await entryOf(`${server.url}/big.bin`), await entryOf(`${server.url}/big-chunked.bin`)];
    expect(storedBytes(entries[0] as ManifestEntry).equals(body)).toBe(true);
    expect(storedBytes(entries[1] as ManifestEntry).equals(body.subarray(1))).toBe(true);
    expect(entries.map((e) => e.status === 'stored' && e.sha256)).toEqual([sha256(body), sha256(body.subarray(1))]);
    expect(readdirSync(join(store.dir, 'tmp'))).toEqual([]);
  });

  it('a body longer than its Content-Length claims is refused and never stored', async () => {
    server.route('/lie', { body: randomBytes(5000), declaredLength: 100 });
    const entry = await entryOf(`${server.url}/lie`);
    const got = failure(entry);
    expect(got.reason).toMatch(/^(attachment_too_large|attachment_unavailable)$/);
    expect(got.message).toMatch(/Content-Length/);
    expect(filesUnder(dir).filter((f) => !f.path.endsWith('manifest.jsonl'))).toEqual([]);
  });

  it('a redirect loop and more than five redirects end as attachment_unavailable', async () => {
    server.route('/loop', { redirect: '/loop' });
    expect(failure(await entryOf(`${server.url}/loop`))).toEqual({ reason: 'attachment_unavailable', message: 'more than 5 redirects' });
    expect(server.hits('/loop')).toBe(6);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/file.bin', 'javascript:alert(1)', 'http://example.com/plain-http.png'])('%s is refused without a request', async (link) => {
    expect(failure(await entryOf(link)).reason).toMatch(/attachment_unavailable|attachment_host_not_allowed/);
    expect(server.requests).toEqual([]);
  });

  it('5xx, a reset and a request that never answers are tried again and the file lands', async () => {
    const cases = [
      ['/503', { times: 2, with: 503 }],
      ['/reset', { times: 1, with: 'reset' }],
      ['/hang', { times: 1, with: 'hang' }],
    ] as const;
    const bodies = new Map(cases.map(([path, failFirst]) => {
      const body = randomBytes(100);
      server.route(path, { body, failFirst });
      return [path, body];
    }));
    await fetcher.close();
    open({ timeoutMs: 300 });
    for (const [path, body] of bodies) expect(storedBytes(await entryOf(`${server.url}${path}`)).equals(body), path).toBe(true);
    expect(server.hits('/503') + server.hits('/reset') + server.hits('/hang')).toBe(3 + 2 + 2);
  });

  it('the credential is in no file of the store, the manifest included', async () => {
    server.route('/s', { body: randomBytes(50), requireHeader: { name: 'authorization', value: SECRET }, temporary: true });
    server.route('/gone', { status: 404 });
    await entryOf(`${server.url}/s`);
    await entryOf(`${server.url}/gone`);
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(file.text, file.path).not.toContain('zd-secret');
  });
});
