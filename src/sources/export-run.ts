import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PQueue from 'p-queue';
import { AttachmentFetcher } from '../attachments/fetcher.ts';
import { AttachmentStore, type FailureReason } from '../attachments/store.ts';
import { ConfigError } from '../core/errors.ts';
import { writeExportReport } from '../report/export-report.ts';
import { attachmentAuthEnv, resolveSince, writeImportConfig } from './export-config.ts';
import { ExportFiles, writtenValues } from './export-files.ts';
import { emptyCounts, readState, StateFile, type ExportCounts, type ExportState } from './export-state.ts';
import type { ExportBatch, PlatformExport } from './platform.ts';
import { sourceHttp, type SourceBudget, type SourceHttpOptions } from './source-http.ts';

export interface ExportProgress {
  readonly counts: ExportCounts;
  /** This run's view of the source's budget. */
  readonly budget: SourceBudget;
  /** Links of the batch in flight still downloading. */
  readonly attachmentsPending: number;
}

export interface ExportOptions {
  readonly out: string;
  /** `--since`: a date, or a previous export folder (its high-water mark and its checkpoint). */
  readonly since?: string | undefined;
  /** Ctrl-C: the batch in flight is finished and saved, then the export stops. */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: ExportProgress) => void) | undefined;
  /** Test hooks: fewer tries, shorter backoff. */
  readonly http?: SourceHttpOptions;
  readonly fetcher?: { readonly attempts?: number; readonly backoffMs?: number; readonly timeoutMs?: number };
  /** `source.maxAttachmentBytes` of the import (DESIGN §9). */
  readonly maxAttachmentBytes?: number;
  /** Downloads at a time. */
  readonly concurrency?: number;
  /** Test hook: how often the state is saved (0: after every batch). */
  readonly saveEveryMs?: number;
}

export interface ExportResult {
  readonly state: ExportState;
  /** Stopped by the signal: run again with the same `--out` to go on. */
  readonly interrupted: boolean;
  /** `import.config.json`, once the export finished. */
  readonly configPath: string | undefined;
  readonly reportFiles: readonly string[];
}

/** A source clock a few minutes off must not hide a change from the next `--since`. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * `hs-import export`: the walk of one platform into `out`, resumable. Per batch: records appended,
 * links stored, then (every SAVE_EVERY_MS) the state saved, cursor and file lengths, so that a
 * kill leaves the old save or the new one whole — so a kill at any instant ends, after a re-run
 * that cuts the files back to the save, with exactly the files an unkilled export writes.
 */
export async function runExport(platform: PlatformExport, options: ExportOptions): Promise<ExportResult> {
  const { out } = options;
  mkdirSync(out, { recursive: true });
  const stateFile = new StateFile(out);
  let state: ExportState;
  let interrupted = false;
  try {
    state = openState(platform, stateFile, options);
    if (!state.finished) {
      const result = await walk(platform, state, stateFile, options.signal ?? new AbortController().signal, options);
      state = result.state;
      interrupted = result.interrupted;
    }
  } finally {
    stateFile.close();
  }
  const configPath = state.finished ? writeImportConfig(out, platform, state.checkpoint).path : undefined;
  const authEnv = platform.attachmentsNeedAuth ? attachmentAuthEnv(platform) : undefined;
  const reportFiles = writeExportReport(out, { state, interrupted, configPath, authEnv });
  return { state, interrupted, configPath, reportFiles };
}

/** The saved state of this folder, checked against this export; or a new one, saved before any output file exists. */
function openState(platform: PlatformExport, stateFile: StateFile, options: ExportOptions): ExportState {
  const { out } = options;
  const origin = new URL(platform.baseUrl).origin;
  const saved = readState(out);
  const choice = resolveSince(out, options.since, platform.platform);
  const since = choice.since?.toISOString() ?? null;
  if (saved !== undefined) {
    if (saved.platform !== platform.platform) throw new ConfigError([`--out: ${out} holds a ${saved.platform} export, not ${platform.platform}; choose another folder`]);
    if (saved.origin !== origin) throw new ConfigError([`--out: ${out} holds an export of ${saved.origin}, not ${origin}; choose another folder`]);
    if (options.since !== undefined && saved.since !== since) {
      throw new ConfigError([`--since: ${out} holds an export since ${saved.since ?? 'the beginning'}; resume it with the same --since (or none), or export into a new folder`]);
    }
    return saved;
  }
  const strays = platform.files.filter((name) => existsSync(join(out, name)) && statSync(join(out, name)).size > 0);
  if (strays.length > 0) throw new ConfigError([`--out: ${out} already holds ${strays.join(', ')} not written by an export; choose an empty folder`]);
  const state: ExportState = {
    version: 1,
    platform: platform.platform,
    origin,
    since,
    highWater: new Date(Date.now() - CLOCK_SKEW_MS).toISOString(),
    checkpoint: choice.checkpoint,
    lengths: {},
    counts: emptyCounts(),
    warnings: [],
    finished: false,
  };
  stateFile.save(state);
  return state;
}

/** A durable save (files and state synced) at most this often: three disk flushes a batch were most of a fast export's time. */
const DURABLE_EVERY_MS = 1000;
/**
 * A save at most this often: a fast source gives a batch every few hundred microseconds, and a
 * save each time was a tenth of the export's time. A kill re-fetches what came after the last
 * save (the files are cut back to it), a fraction of a second's worth.
 */
const SAVE_EVERY_MS = 100;

async function walk(platform: PlatformExport, start: ExportState, stateFile: StateFile, signal: AbortSignal, options: ExportOptions): Promise<{ state: ExportState; interrupted: boolean }> {
  let state = start;
  const http = sourceHttp(platform, options.http);
  const files = new ExportFiles(options.out, platform.files, state.lengths);
  const store = new AttachmentStore(dirname(state.checkpoint));
  const fetcher = new AttachmentFetcher(store, {
    hosts: platform.attachmentHosts.map((host) => host.toLowerCase()),
    // Only the platform's own hosts, and only when its links want it; the fetcher keeps it off redirects elsewhere.
    authorization: platform.attachmentsNeedAuth ? platform.authorization : undefined,
    maxBytes: options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
    pace: (url) => http.pace(url),
    ...options.fetcher,
  });
  const base = state.counts;
  let batchAt = Date.now();
  let stateAt = batchAt;
  let syncedAt = batchAt;
  const saveEveryMs = options.saveEveryMs ?? SAVE_EVERY_MS;
  const report = (counts: ExportCounts, pending: number): void => options.onProgress?.({ counts, budget: http.budget, attachmentsPending: pending });
  try {
    await fetcher.sweepTemps();
    report(state.counts, 0);
    // `written`: what earlier batches left in a file (already cut back), for side-loads written once per export.
    const written = (name: string): AsyncIterable<unknown> => writtenValues(options.out, name);
    for await (const batch of platform.walk(http, { from: state.cursor, since: state.since === null ? undefined : new Date(state.since), signal, written })) {
      const written = files.append(batch.records);
      const links = await storeLinks(fetcher, batch.links, options.concurrency ?? 4, (pending) => {
        report(state.counts, pending);
      });
      const now = Date.now();
      state = {
        ...state,
        cursor: batch.cursor,
        lengths: files.lengths(),
        counts: addBatch(state.counts, batch, written, links, now - batchAt),
        warnings: [...state.warnings, ...(batch.warnings ?? [])],
      };
      state = { ...state, counts: { ...state.counts, ...budgetTotals(base, http.budget) } };
      // Saved every SAVE_EVERY_MS (a kill re-fetches at most that); to disk about once a second (a power cut loses at most that).
      const durable = signal.aborted || now - syncedAt >= DURABLE_EVERY_MS;
      if (durable) {
        files.sync();
        store.sync();
        syncedAt = now;
      }
      if (durable || now - stateAt >= saveEveryMs) {
        stateFile.save(state, durable);
        stateAt = now;
      }
      batchAt = now;
      report(state.counts, 0);
      if (signal.aborted) break;
    }
    // A walk that stopped for the signal has not reached the end, whatever it returned.
    const interrupted = signal.aborted;
    state = { ...state, finished: !interrupted, counts: { ...state.counts, ...budgetTotals(base, http.budget), durationMs: state.counts.durationMs + Date.now() - batchAt } };
    files.sync();
    stateFile.save(state);
    return { state, interrupted };
  } catch (error) {
    // A failed walk keeps what it gave: the re-run goes on from the last batch, not the last periodic save.
    stateFile.save(state, false);
    throw error;
  } finally {
    files.close();
    await fetcher.close();
    store.close();
    await http.close();
  }
}

interface LinkOutcomes {
  readonly stored: number;
  readonly failed: Partial<Record<FailureReason, number>>;
}

/** Every link of the batch into the store, a few at a time; a problem that is no link's own (the disk) stops the export. */
async function storeLinks(fetcher: AttachmentFetcher, links: readonly string[], concurrency: number, onPending: (pending: number) => void): Promise<LinkOutcomes> {
  const distinct = [...new Set(links)];
  const failed: Partial<Record<FailureReason, number>> = {};
  // Most batches have none: no queue for them.
  if (distinct.length === 0) return { stored: 0, failed };
  let stored = 0;
  let pending = distinct.length;
  const queue = new PQueue({ concurrency });
  await Promise.all(
    distinct.map((link) =>
      queue.add(async () => {
        const { entry } = await fetcher.fetch(link);
        if (entry.status === 'stored') stored++;
        else failed[entry.reason] = (failed[entry.reason] ?? 0) + 1;
        onPending(--pending);
      }),
    ),
  );
  return { stored, failed };
}

function addBatch(counts: ExportCounts, batch: ExportBatch, written: Readonly<Record<string, number>>, links: LinkOutcomes, elapsedMs: number): ExportCounts {
  const records = { ...counts.records };
  for (const [name, n] of Object.entries(written)) records[name] = (records[name] ?? 0) + n;
  const attachmentsFailed = { ...counts.attachmentsFailed };
  for (const [reason, n] of Object.entries(links.failed) as [FailureReason, number][]) attachmentsFailed[reason] = (attachmentsFailed[reason] ?? 0) + n;
  return {
    ...counts,
    tickets: counts.tickets + batch.tickets,
    messages: counts.messages + batch.messages,
    records,
    attachmentsStored: counts.attachmentsStored + links.stored,
    attachmentsFailed,
    durationMs: counts.durationMs + elapsedMs,
  };
}

/** Requests, 429s and waits of earlier runs plus this one's. */
function budgetTotals(base: ExportCounts, budget: SourceBudget): Pick<ExportCounts, 'requests' | 'count429' | 'waits' | 'waitedMs' | 'retries'> {
  return {
    requests: base.requests + budget.requests,
    count429: base.count429 + budget.count429,
    waits: base.waits + budget.waits,
    waitedMs: base.waitedMs + budget.waitedMs,
    retries: base.retries + budget.retries,
  };
}
