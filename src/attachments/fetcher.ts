import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { closeSync, open as openCallback, renameSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { isIP, type LookupFunction } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Agent, request, type Dispatcher } from 'undici';
import { writeFully } from '../core/write-fully.ts';
import { isListed } from '../mapper/remote-attachments.ts';
import { checkLink, isInternalAddress, sameOrigin } from './rules.ts';
import type { AttachmentStore, FailureReason, ManifestEntry } from './store.ts';

export interface FetcherOptions {
  /** `source.attachments.hosts`, lower-case. */
  readonly hosts: readonly string[];
  /** The `Authorization` value, read from `authEnv` by the caller; sent only to a listed link's own origin. */
  readonly authorization: string | undefined;
  readonly maxBytes: number;
  /** Tries per link for 5xx, 429, resets and timeouts. */
  readonly attempts?: number;
  /** First backoff; doubled per try, with jitter. */
  readonly backoffMs?: number;
  /** Headers and idle-body timeout per request. */
  readonly timeoutMs?: number;
  /** Awaited before each request: `export` makes downloads from the source API's own host share its rate budget. */
  readonly pace?: (url: URL) => Promise<void>;
}

export type FetchOutcome = { readonly kind: 'fetched' | 'already-stored'; readonly entry: ManifestEntry };

const MAX_REDIRECTS = 5;
/** Statuses that say the file is gone or not ours to read: trying again does not help. */
const UNAVAILABLE = new Set([401, 403, 404, 410]);
const INTERNAL_ADDRESS = 'HS_IMPORT_INTERNAL_ADDRESS';
const RETRIABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A bare descriptor, not a FileHandle: the download writes and closes it synchronously. */
const openFile = promisify(openCallback);

/** A try that may work later (5xx, reset, timeout); `why` goes into the reason when tries run out. */
class TryAgain extends Error {}
/** A final answer for this link. */
class Failed extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Downloads links into the store (DESIGN §9): streamed to a temp file, hashed while streaming,
 * renamed to its sha256 when complete. Redirects are followed by hand so each hop is checked
 * (scheme, address, credential) before a byte is sent to it.
 */
export class AttachmentFetcher {
  /** Listed hosts are reached as they resolve: the user named them. */
  private readonly listed: Dispatcher;
  /** Anything else (a redirect off the list) must not resolve to an internal address (no SSRF through an export). */
  private readonly guarded: Dispatcher;
  private readonly inFlight = new Map<string, Promise<FetchOutcome>>();
  private temps = 0;
  /** The temp folder, made once per fetcher rather than once per download. */
  private tmpDir: Promise<unknown> | undefined;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly store: AttachmentStore,
    private readonly options: FetcherOptions,
  ) {
    const timeout = options.timeoutMs ?? 30_000;
    this.listed = new Agent({ headersTimeout: timeout, bodyTimeout: timeout });
    this.guarded = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connect: { lookup: guardedLookup } });
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
  }

  /** The link in the store: fetched now, or already there. A link asked twice at once is fetched once. */
  fetch(link: string): Promise<FetchOutcome> {
    const stored = this.store.get(link);
    if (stored?.status === 'stored') return Promise.resolve({ kind: 'already-stored', entry: stored });
    const running = this.inFlight.get(link);
    if (running) return running;
    const started = this.download(link).finally(() => this.inFlight.delete(link));
    this.inFlight.set(link, started);
    return started;
  }

  /** Temp files a killed run left behind (their process is gone). */
  async sweepTemps(): Promise<void> {
    const dir = join(this.store.dir, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((name) => !isAlive(Number(name.split('-')[0]))).map((name) => unlink(join(dir, name)).catch(() => undefined)));
  }

  async close(): Promise<void> {
    await Promise.all([this.listed.close(), this.guarded.close()]);
  }

  private async download(link: string): Promise<FetchOutcome> {
    let entry: ManifestEntry;
    try {
      const stored = await this.withRetries(link);
      entry = { link, status: 'stored', ...stored, at: Date.now() };
    } catch (error) {
      if (!(error instanceof Failed)) throw error;
      entry = { link, status: 'failed', reason: error.reason, message: error.message, at: Date.now() };
    }
    this.store.record(entry);
    return { kind: 'fetched', entry };
  }

  private async withRetries(link: string): Promise<{ sha256: string; bytes: number; mimeType: string }> {
    const verdict = checkLink(link, this.options, true);
    if (!verdict.ok) throw new Failed(verdict.reason, verdict.message);
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        return await this.follow(verdict.url);
      } catch (error) {
        if (error instanceof Failed) throw error;
        last = error instanceof TryAgain ? error.message : networkProblem(error);
        if (last === '') throw error;
      }
      if (attempt < this.attempts) await backoff(this.backoffMs, attempt);
    }
    throw new Failed('attachment_unavailable', `${last} (after ${this.attempts} tries)`);
  }

  /** One try: the link and its redirects, at most five. */
  private async follow(first: URL): Promise<{ sha256: string; bytes: number; mimeType: string }> {
    let url = first;
    // The credential stays with the link's own origin: one hop elsewhere and it is never sent again.
    let credentialed = this.options.authorization !== undefined;
    for (let hop = 0; ; hop++) {
      const dispatcher = this.dispatcherFor(url);
      const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'hs-import' };
      if (credentialed && sameOrigin(url, first) && this.options.authorization !== undefined) headers.authorization = this.options.authorization;
      await this.options.pace?.(url);
      const response = await request(url, { method: 'GET', headers, dispatcher });
      const { statusCode } = response;
      if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
        await response.body.dump();
        const location = header(response.headers, 'location');
        if (location === undefined) throw new Failed('attachment_unavailable', `HTTP ${statusCode} without a Location`);
        if (hop + 1 > MAX_REDIRECTS) throw new Failed('attachment_unavailable', `more than ${MAX_REDIRECTS} redirects`);
        const next = checkLink(URL.canParse(location, url.href) ? new URL(location, url).href : location, this.options, false);
        if (!next.ok) throw new Failed(next.reason, `redirected: ${next.message}`);
        if (!sameOrigin(next.url, url)) credentialed = false;
        url = next.url;
        continue;
      }
      if (statusCode >= 200 && statusCode < 300) return this.save(response);
      await response.body.dump().catch(() => undefined);
      if (statusCode === 429 || statusCode >= 500) throw new TryAgain(`HTTP ${statusCode}`);
      throw new Failed('attachment_unavailable', UNAVAILABLE.has(statusCode) ? `HTTP ${statusCode}` : `HTTP ${statusCode} (unexpected)`);
    }
  }

  private dispatcherFor(url: URL): Dispatcher {
    if (isListed(url, this.options.hosts)) return this.listed;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address literal is never looked up, so the lookup guard cannot see it: checked here.
    if (isIP(host) !== 0 && isInternalAddress(host)) throw new Failed('attachment_host_not_allowed', `${url.host} is an internal address and not in source.attachments.hosts`);
    return this.guarded;
  }

  /**
   * Streams the body to a temp file, hashing and counting; over the limit, whatever Content-Length
   * said, it stops. One 'data' handler counts, hashes and writes each chunk as it arrives: no stream
   * stages between the socket and the file, and no chunk copied (an async iterator concatenates
   * what queued up, and those copies doubled the garbage collection).
   */
  private async save(response: Dispatcher.ResponseData): Promise<{ sha256: string; bytes: number; mimeType: string }> {
    const { maxBytes } = this.options;
    const { body } = response;
    const claimed = Number(header(response.headers, 'content-length'));
    if (Number.isFinite(claimed) && claimed > maxBytes) {
      // Not one byte read: the connection is dropped, and its abort is expected, not an error to report.
      body.once('error', () => undefined);
      body.destroy();
      throw new Failed('attachment_too_large', `Content-Length ${claimed} is over the ${maxBytes}-byte limit`);
    }
    // Listening from here on: a reset while the temp file is being made is not an unhandled 'error'.
    const ended = finished(body);
    const temp = this.store.tempPath(++this.temps);
    let fd: number;
    try {
      await (this.tmpDir ??= mkdir(join(this.store.dir, 'tmp'), { recursive: true }));
      // Off the event loop: creating a file is the slow call of a download (0.05–0.5 ms measured on ext4).
      fd = await openFile(temp, 'w');
    } catch (error) {
      body.destroy();
      await ended.catch(() => undefined);
      throw error;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      body.on('data', (chunk: Buffer) => {
        try {
          bytes += chunk.length;
          if (bytes > maxBytes) throw new Failed('attachment_too_large', `over the ${maxBytes}-byte limit while downloading (Content-Length said ${Number.isFinite(claimed) ? claimed : 'nothing'})`);
          hash.update(chunk);
          // Synchronous: a write into the page cache is shorter than a thread-pool round trip, and
          // the next chunk waits for it, so nothing queues in memory.
          writeFully(fd, chunk);
        } catch (error) {
          body.destroy(error as Error);
        }
      });
      try {
        await ended;
      } finally {
        closeSync(fd);
      }
      if (Number.isFinite(claimed) && bytes !== claimed) throw new TryAgain(`the body ended after ${bytes} of ${claimed} bytes`);
      if (bytes === 0) throw new Failed('attachment_unavailable', 'the file is empty (0 bytes)');
      // Not fsynced per file (that cost a disk flush per download, half the bare download speed):
      // a blob a power cut truncates no longer matches its manifest size and is fetched again (store.get).
      const sha256 = hash.digest('hex');
      renameSync(temp, this.store.blobPath(sha256));
      const mimeType = (header(response.headers, 'content-type') ?? 'application/octet-stream').split(';')[0]?.trim() || 'application/octet-stream';
      return { sha256, bytes, mimeType };
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A network failure worth another try, as a short code. A malformed answer is final for the link;
 * a local disk problem ('' here) is rethrown: it is no link's fault and stops the fetch.
 */
function networkProblem(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === INTERNAL_ADDRESS) throw new Failed('attachment_host_not_allowed', e.message);
    if (code !== undefined && RETRIABLE_CODES.has(code)) return code;
    if (e.name === 'AbortError' || code === 'ERR_STREAM_PREMATURE_CLOSE') return 'connection closed mid-transfer';
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') throw new Failed('attachment_unavailable', 'the body does not match its Content-Length (the server lies about the size)');
    if (code?.startsWith('HPE_') === true || e.name === 'HTTPParserError' || code === 'ENOTFOUND') {
      throw new Failed('attachment_unavailable', `malformed or no answer (${code ?? e.name})`);
    }
  }
  return '';
}

/** DNS answers checked before the socket connects to them, so a rebinding answer cannot slip past. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 4);
      return;
    }
    if (addresses.some((a) => isInternalAddress(a.address))) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address and is not in source.attachments.hosts`);
      refused.code = INTERNAL_ADDRESS;
      callback(refused, '', 4);
      return;
    }
    const first = addresses[0];
    if (options.all === true) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else if (first === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
    else callback(null, first.address, first.family);
  });
};

async function backoff(baseMs: number, attempt: number): Promise<void> {
  const ms = baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

