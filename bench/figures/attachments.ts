import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';
import { startSimulator, type SeedConversation } from '../../src/simulator/index.ts';
import { runChild, runCli, type Measured } from '../lib/children.ts';
import { REPO_DIR } from '../lib/data-dir.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { BENCH_CREDENTIALS, benchEnv, runDir, writeConfig } from '../lib/import-setup.ts';
import { label as shortLabel, OFFLINE_TARGET } from '../lib/measure.ts';
import { median } from '../lib/stats.ts';
import { runNode, type ChildResult } from '../lib/proc.ts';
import type { Sizes } from '../lib/sizes.ts';

/** Figure 11a/b: the 5,000 files of 200 kB (1,000 in --quick). */
const SMALL_BYTES = 200_000;
/** Figure 11c: 1,000 notes (100 in --quick) with one 10 MB file each, under the 10 MiB default limits. */
const BIG_BYTES = 10_000_000;
/** Downloads at a time: `source.attachments.concurrency`'s default, and the baseline's. */
const CONCURRENCY = 4;
/** Alternating rounds of fetch-attachments and the baseline; medians are compared (the machine's load drifts). */
const ROUNDS = 3;

interface FetchReport {
  readonly links: number;
  readonly fetched: number;
  readonly bytesFetched: number;
  readonly failed: number;
  readonly durationMs: number;
}

interface PlanReport {
  readonly attachments?: { readonly links: number; readonly stored: number; readonly notStoredYet: number; readonly failed: number };
}

interface DownloadOut {
  readonly files: number;
  readonly bytes: number;
  readonly ms: number;
}

interface RunReport {
  readonly counts: { readonly done: number; readonly rejected: number; readonly inDoubt: number };
  readonly attachments?: { readonly fetched: number; readonly bytesFetched: number; readonly durationMs: number; readonly failedByReason: Record<string, number> };
  readonly requests: { readonly requests: number };
}

/**
 * `files` distinct bodies of `bytes` each on the loopback file server at `/files/<i>/file-<i>.bin`:
 * windows of one random pool, so the bench process holds the pool once, not every file, and no two
 * files share a sha256 (the store would keep them once).
 */
function serveFiles(server: RunningFileServer, files: number, bytes: number, stride: number): { links: string[]; body: (i: number) => Buffer } {
  const pool = randomBytes(bytes + files * stride);
  const body = (i: number): Buffer => pool.subarray(i * stride, i * stride + bytes);
  const links: string[] = [];
  for (let i = 0; i < files; i++) {
    const path = `/files/${i}/file-${i}.bin`;
    server.route(path, { body: body(i), contentType: 'application/octet-stream' });
    links.push(`${server.url}${path}`);
  }
  return { links, body };
}

/** A canonical CSV with one linked file per note; `conversation(i)` puts note i into an existing conversation. */
function exportWith(path: string, links: readonly string[], conversation: (i: number) => number | undefined): void {
  const lines = ['ticket,id,createdAt,text,conversation,customerEmail,subject,author,attachments'];
  links.forEach((link, i) => {
    const ticket = 500_000 + i;
    const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
    const cell = JSON.stringify([{ name: `file-${i}.bin`, url: link }]).replace(/"/g, '""');
    lines.push(`${ticket},${70_000_000 + i},${at},note ${i} with a linked file,${conversation(i) ?? ''},customer${ticket}@example.com,Files ${ticket},Ada Files,"${cell}"`);
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Dirty pages of the previous round written out first, so no round pays for another's writeback. */
function settleDisk(): void {
  try {
    execFileSync('sync');
  } catch {
    // no sync(1): the rounds alternate anyway
  }
}

const label = (n: number): string => (n < 1000 ? String(n) : shortLabel(n));
const mb = (child: ChildResult): string => child.peakRssMb?.toFixed(0) ?? 'n/a';

/**
 * Figure 11 (issue 18): attachments behind links. 11a: `hs-import fetch-attachments` (compiled, as
 * shipped, in a child) of 5,000 files of 200 kB from the loopback file server (in this process) vs
 * bare undici `request()` downloads of the same files to disk at the same concurrency, alternating
 * in the same run; 11b: its peak RSS; 11c: peak RSS of a `run` of 1,000 notes each with a 10 MB
 * linked file (fetched, then sent base64 in its thread) into the simulator (in this process).
 */
export async function attachmentFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const quick = sizes.label === 'quick';
  const fetchFigures = await fetchThroughput(quick ? 1000 : 5000, log);
  const runFigure = await bigRun(quick ? 100 : 1000, log);
  return [...fetchFigures, runFigure];
}

async function fetchThroughput(files: number, log: (line: string) => void): Promise<Figure[]> {
  const server = await startFileServer();
  try {
    const { links } = serveFiles(server, files, SMALL_BYTES, 64);
    const setup = runDir('attachments-fetch-export');
    const csv = join(setup, 'export.csv');
    exportWith(csv, links, () => undefined);
    const linksPath = join(setup, 'links.txt');
    writeFileSync(linksPath, links.join('\n') + '\n');
    const source = { format: 'csv', path: csv, attachments: { hosts: ['127.0.0.1'], concurrency: CONCURRENCY } };

    // plan counts what is not stored yet and downloads nothing (this also compiles dist/ once).
    const plan = await runCli<PlanReport>('plan', writeConfig(runDir('attachments-plan'), source, OFFLINE_TARGET));
    if (plan.out.attachments?.notStoredYet !== files) throw new Error(`plan: ${JSON.stringify(plan.out.attachments)} (expected ${files} not stored yet)`);
    if (server.requests.length !== 0) throw new Error(`plan made ${server.requests.length} requests to the file server`);

    const ours: Measured<FetchReport>[] = [];
    const bare: Measured<DownloadOut>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Either order in turn, so neither side always runs first.
      for (const side of round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
        settleDisk();
        server.requests.length = 0;
        const dir = runDir(`attachments-fetch-${side}`);
        if (side === 'ours') {
          const measured = await fetchCommand(writeConfig(dir, source, OFFLINE_TARGET));
          const r = measured.out;
          if (r.fetched !== files || r.failed !== 0 || r.bytesFetched !== files * SMALL_BYTES) throw new Error(`fetch-attachments: ${JSON.stringify(r)}`);
          ours.push(measured);
        } else {
          const measured = await runChild<DownloadOut>('undici-download', [linksPath, join(dir, 'files'), String(CONCURRENCY)]);
          if (measured.out.bytes !== files * SMALL_BYTES) throw new Error(`baseline downloaded ${measured.out.bytes} bytes of ${files * SMALL_BYTES}`);
          bare.push(measured);
        }
        if (server.requests.length !== files) throw new Error(`${side}: ${server.requests.length} requests for ${files} files`);
        // A GB per round: not kept.
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const oursMs = ours.map((m) => m.out.durationMs);
    const bareMs = bare.map((m) => m.out.ms);
    const list = (ms: readonly number[]): string => ms.map((m) => m.toFixed(0)).join(', ');
    const peak = Math.max(...ours.map((m) => m.child.peakRssMb ?? Number.NaN));
    log(`fetch ${label(files)} × ${SMALL_BYTES / 1000} kB: fetch-attachments ${list(oursMs)} ms (peak RSS ${ours.map((m) => mb(m.child)).join(', ')} MB, ${ours.map((m) => m.child.cpuSeconds?.toFixed(1) ?? 'n/a').join(', ')} s CPU); bare undici ${list(bareMs)} ms (${bare.map((m) => m.child.cpuSeconds?.toFixed(1) ?? 'n/a').join(', ')} s CPU)`);
    const perSecond = (ms: number): number => files / (ms / 1000);
    return [
      figure({
        figure: `11a fetch-attachments ${label(files)} files of ${SMALL_BYTES / 1000} kB`,
        value: perSecond(median(oursMs)),
        baseline: perSecond(median(bareMs)),
        unit: 'files/s',
        goal: { on: 'ratio', atLeast: 0.8 },
        note: `median of ${ROUNDS} rounds each, alternating, disk synced before each: hs-import fetch-attachments (dist, child; its fetch.json durationMs: CSV read, downloads, sha256, temp file + rename, a manifest line each, the manifest fsynced once at the end) ${list(oursMs)} ms vs bare undici request() to a file per link (child, no hashing, no fsync) ${list(bareMs)} ms; concurrency ${CONCURRENCY} both; loopback file server in the bench process`,
      }),
      figure({
        figure: `11b fetch-attachments ${label(files)} files peak RSS`,
        value: peak,
        unit: 'MB',
        goal: { on: 'value', atMost: 256 },
        note: `highest of ${ROUNDS} rounds, measured from outside (${ours[0]?.child.rssSource ?? 'none'}); bare undici peaked at ${bare.map((m) => mb(m.child)).join(', ')} MB`,
      }),
    ];
  } finally {
    await server.close();
  }
}

/** `hs-import fetch-attachments` as shipped, in a child measured from outside; returns its fetch.json. */
async function fetchCommand(config: string): Promise<Measured<FetchReport>> {
  const child = await runNode([join(REPO_DIR, 'dist', 'cli', 'main.js'), 'fetch-attachments', '--config', config], { timeoutMs: 1_800_000 });
  if (child.code !== 0) throw new Error(`hs-import fetch-attachments exited ${String(child.code)}: ${child.stderr.slice(-1500)}`);
  return { out: JSON.parse(readFileSync(join(config, '..', 'reports', 'fetch.json'), 'utf8')) as FetchReport, child };
}

async function bigRun(notes: number, log: (line: string) => void): Promise<Figure> {
  const server = await startFileServer();
  // Half the notes go into existing conversations (Create Note), half open new ones (Create Conversation).
  const existing = Math.floor(notes / 2);
  const conversations: SeedConversation[] = Array.from({ length: existing }, (_, i) => ({ id: i + 1, mailboxId: 1, subject: `Existing ${i + 1}`, customerEmail: `existing${i + 1}@example.com`, status: 'closed', threads: 1 }));
  const sim = await startSimulator({
    host: '127.0.0.1',
    seed: {
      credentials: [BENCH_CREDENTIALS],
      mailboxes: [{ id: 1, name: 'Support' }],
      users: [{ id: 1, firstName: 'Bench', lastName: 'Admin', email: 'admin@example.com' }],
      rateLimit: null,
      // A 10 MB file is 13.3 MB of base64 in its JSON body: over the simulator's 10 MiB default.
      maxBodyBytes: 64 * 1024 * 1024,
      conversations,
    },
  });
  const landed = new Checker(BIG_BYTES);
  const sweep = setInterval(() => {
    landed.sweep(sim.state.conversations.values());
  }, 100);
  try {
    const { links, body } = serveFiles(server, notes, BIG_BYTES, 4096);
    landed.expect = (i) => createHash('sha256').update(body(i)).digest('hex');
    const dir = runDir('attachments-run');
    const csv = join(dir, 'export.csv');
    exportWith(csv, links, (i) => (i < existing ? i + 1 : undefined));
    const config = writeConfig(dir, { format: 'csv', path: csv, attachments: { hosts: ['127.0.0.1'], concurrency: CONCURRENCY } }, { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0 });
    settleDisk();
    const { out, child } = await runCli<RunReport>('run', config, { env: benchEnv() });
    clearInterval(sweep);
    landed.sweep(sim.state.conversations.values());
    const fetched = out.attachments;
    log(`run ${notes} notes × 10 MB: ${out.counts.done} done, ${out.counts.rejected} rejected in ${(child.wallMs / 1000).toFixed(0)} s (fetch ${((fetched?.durationMs ?? 0) / 1000).toFixed(0)} s), ${child.cpuSeconds?.toFixed(0) ?? 'n/a'} s CPU, peak RSS ${mb(child)} MB; ${landed.count} attachments landed, ${landed.verified} checked byte for byte`);
    if (out.counts.done !== notes) throw new Error(`run: ${out.counts.done} of ${notes} done (${out.counts.rejected} rejected, ${out.counts.inDoubt} in doubt)`);
    if (fetched?.fetched !== notes) throw new Error(`run fetched ${JSON.stringify(fetched)}`);
    if (landed.count !== notes || landed.problems.length > 0) throw new Error(`${landed.count} of ${notes} attachments landed; ${landed.problems.slice(0, 3).join('; ')}`);
    // 10 GB of blobs: not kept.
    rmSync(join(dir, 'state', 'attachments'), { recursive: true, force: true });
    return figure({
      figure: `11c run ${label(notes)} notes with a 10 MB linked file each, peak RSS`,
      value: child.peakRssMb ?? Number.NaN,
      unit: 'MB',
      goal: { on: 'value', atMost: 256 },
      note: `hs-import run (dist) measured from outside (${child.rssSource}): fetch of ${notes} × ${BIG_BYTES / 1e6} MB (concurrency ${CONCURRENCY}) in ${((fetched.durationMs) / 1000).toFixed(0)} s, then ${existing} Create Note + ${notes - existing} Create Conversation requests of ~13.3 MB (base64) into the simulator (maxBodyBytes raised to 64 MiB) in ${(child.wallMs / 1000).toFixed(0)} s in all, ${child.cpuSeconds?.toFixed(0) ?? 'n/a'} s CPU; every attachment landed with its size, ${landed.verified} checked by sha256`,
    });
  } finally {
    clearInterval(sweep);
    await sim.close();
    await server.close();
  }
}

/**
 * The simulator keeps every attachment's base64 (13.3 MB each: 13 GB for the full figure) in this
 * process; the bench checks each one as it lands (size; every 25th by sha256) and drops its data.
 */
class Checker {
  count = 0;
  verified = 0;
  readonly problems: string[] = [];
  expect: (i: number) => string = () => '';

  constructor(private readonly bytes: number) {}

  sweep(conversations: Iterable<{ threads: { attachments: { fileName: string; size: number; data: string }[] }[] }>): void {
    for (const conversation of conversations) {
      for (const thread of conversation.threads) {
        for (const attachment of thread.attachments) {
          if (attachment.data === '') continue;
          this.count++;
          const i = Number(/^file-(\d+)\.bin$/.exec(attachment.fileName)?.[1] ?? Number.NaN);
          if (attachment.size !== this.bytes || !Number.isInteger(i)) this.problems.push(`${attachment.fileName}: ${attachment.size} bytes`);
          else if (i % 25 === 0) {
            this.verified++;
            const got = createHash('sha256').update(Buffer.from(attachment.data, 'base64')).digest('hex');
            if (got !== this.expect(i)) this.problems.push(`${attachment.fileName}: content differs`);
          }
          attachment.data = '';
        }
      }
    }
  }
}
