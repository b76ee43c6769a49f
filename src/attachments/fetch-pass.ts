import { dirname } from 'node:path';
import PQueue from 'p-queue';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import type { MapperOptions } from '../mapper/index.ts';
import { remoteLinksOf, type RemoteState } from '../mapper/remote-attachments.ts';
import { parseAttachmentList } from '../readers/attachment-list.ts';
import { openReader } from '../readers/index.ts';
import type { SourceAttachment, SourceNote } from '../readers/source-note.ts';
import type { AttachmentFetcher } from './fetcher.ts';
import { shortLink } from './rules.ts';
import { AttachmentStore, type FailureReason } from './store.ts';

export interface FetchProgress {
  /** Links found so far (the export is still being read while files download). */
  readonly total: number;
  readonly done: number;
  readonly failed: number;
}

export interface FetchFailure {
  /** The link without its query string: a presigned signature stays out of reports. */
  readonly link: string;
  readonly ticket: string;
  readonly id: string;
  readonly reason: FailureReason;
  readonly message: string;
}

export interface FetchSummary {
  readonly links: number;
  readonly fetched: number;
  readonly alreadyStored: number;
  readonly inlineImages: number;
  readonly bytesFetched: number;
  readonly failedByReason: Readonly<Partial<Record<FailureReason, number>>>;
  /** The first failures, for the report (all of them are in the manifest). */
  readonly failures: readonly FetchFailure[];
  readonly durationMs: number;
}

export interface FetchOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** `fetch-attachments` tries failed links again (a fixed credential, a host added); `run` keeps their answer. */
  readonly retryFailed: boolean;
  readonly onProgress?: (progress: FetchProgress) => void;
  readonly signal?: AbortSignal;
  /** Test hook: fewer tries and shorter backoff. */
  readonly fetcher?: { readonly attempts?: number; readonly backoffMs?: number; readonly timeoutMs?: number };
}

const FAILURES_KEPT = 1000;

/** The store of this import: beside the checkpoint, in the state folder. */
export function storeFor(config: ImportConfig): AttachmentStore {
  return new AttachmentStore(dirname(config.checkpoint));
}

/**
 * DESIGN §9: every linked attachment and inline image of the export into the store. Reads the
 * export as a stream and downloads while it reads, a few at a time; resumable because a stored
 * link is never fetched again.
 */
export async function fetchAttachments(config: ImportConfig, options: FetchOptions): Promise<FetchSummary> {
  const settings = config.source.attachments;
  if (settings === undefined) throw new ConfigError(['source.attachments: not set; list the hosts attachments may be fetched from (DESIGN §9)']);
  const started = Date.now();
  const store = storeFor(config);
  // Made (and the credential read) at the first link to download: a run whose files are all stored needs no credential.
  let made: AttachmentFetcher | undefined;
  const fetcherNow = async (): Promise<AttachmentFetcher> => {
    if (made !== undefined) return made;
    // Loaded here: undici costs 20 MB of RSS, which a plan or a run with every file stored never needs.
    const { AttachmentFetcher } = await import('./fetcher.ts');
    made = new AttachmentFetcher(store, {
      hosts: settings.hosts,
      authorization: authorizationOf(settings.authEnv, options.env ?? process.env),
      maxBytes: config.source.maxAttachmentBytes,
      ...options.fetcher,
    });
    await made.sweepTemps();
    return made;
  };
  const queue = new PQueue({ concurrency: settings.concurrency });
  const seen = new Set<string>();
  const failures: FetchFailure[] = [];
  const failedByReason: Partial<Record<FailureReason, number>> = {};
  let fetched = 0;
  let alreadyStored = 0;
  let inlineImages = 0;
  let bytesFetched = 0;
  let done = 0;
  const progress = (): void => options.onProgress?.({ total: seen.size, done, failed: failures.length });
  const fail = (note: SourceNote, link: string, reason: FailureReason, message: string): void => {
    failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
    if (failures.length < FAILURES_KEPT) failures.push({ link: shortLink(link), ticket: note.ticket, id: note.id, reason, message });
  };
  let firstError: Error | undefined;
  try {
    for await (const item of openReader(config.source)) {
      if (options.signal?.aborted === true || firstError !== undefined) break;
      if (item.kind !== 'note') continue;
      const note = item.note;
      for (const { link, inline } of remoteLinksOf(attachmentsOf(note), note.text, note.html, settings.hosts)) {
        if (seen.has(link)) continue;
        seen.add(link);
        if (inline) inlineImages++;
        const known = store.get(link);
        if (known?.status === 'stored' || (known?.status === 'failed' && !options.retryFailed)) {
          if (known.status === 'stored') alreadyStored++;
          else fail(note, link, known.reason, known.message);
          done++;
          continue;
        }
        const fetcher = await fetcherNow();
        void queue.add(async () => {
          try {
            const outcome = await fetcher.fetch(link);
            const entry = outcome.entry;
            if (entry.status === 'failed') fail(note, link, entry.reason, entry.message);
            else if (outcome.kind === 'already-stored') alreadyStored++;
            else {
              fetched++;
              bytesFetched += entry.bytes;
            }
          } catch (error) {
            // Not a link's problem (the disk, a bug): stop taking more and say so.
            firstError ??= error instanceof Error ? error : new Error(`download failed: ${String(error)}`);
          }
          done++;
          progress();
        });
        // Bounded memory: the reader waits while enough downloads are queued.
        await queue.onSizeLessThan(settings.concurrency * 4);
      }
      progress();
    }
    await queue.onIdle();
  } finally {
    queue.clear();
    await queue.onIdle();
    await made?.close();
    store.close();
  }
  if (firstError !== undefined) throw firstError;
  progress();
  return { links: seen.size, fetched, alreadyStored, inlineImages, bytesFetched, failedByReason, failures, durationMs: Date.now() - started };
}

/**
 * What the mapper sees of the store. `run` fetches before it indexes, so a link still unknown
 * then could not be fetched; `plan` downloads nothing and counts such links as still to fetch.
 */
export function remoteOptionsFor(config: ImportConfig, unfetched: 'pending' | 'failed', tally?: LinkTally): MapperOptions['remote'] {
  const settings = config.source.attachments;
  if (settings === undefined) return undefined;
  const store = storeFor(config);
  const missing: RemoteState = unfetched === 'pending' ? { kind: 'pending' } : { kind: 'failed', reason: 'attachment_unavailable', message: 'not fetched (run hs-import fetch-attachments)' };
  const lookup = (link: string): RemoteState => {
    const state = store.stateOf(link) ?? missing;
    tally?.count(link, state);
    return state;
  };
  return { hosts: settings.hosts, lookup, missingAttachment: config.policy.missingAttachment };
}

/** Distinct links the mapper asked about, by what the store says of them (`plan`'s counts). */
export class LinkTally {
  private readonly seen = new Set<string>();
  readonly counts = { links: 0, stored: 0, notStoredYet: 0, failed: 0 };

  count(link: string, state: RemoteState): void {
    if (this.seen.has(link)) return;
    this.seen.add(link);
    this.counts.links++;
    if (state.kind === 'stored') this.counts.stored++;
    else if (state.kind === 'pending') this.counts.notStoredYet++;
    else this.counts.failed++;
  }
}

/** The credential, from the environment only; a named variable that is unset is a config error, not a silent anonymous fetch. */
function authorizationOf(authEnv: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (authEnv === undefined) return undefined;
  const value = env[authEnv];
  if (value === undefined || value.trim() === '') throw new ConfigError([`source.attachments.authEnv: the environment variable ${authEnv} is not set`]);
  return value.trim();
}

function attachmentsOf(note: SourceNote): readonly SourceAttachment[] {
  if (typeof note.attachments !== 'string') return note.attachments ?? [];
  const parsed = parseAttachmentList(note.attachments);
  return parsed.ok ? parsed.attachments : [];
}
