import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { writeFully } from '../core/write-fully.ts';
import type { FailureReason } from '../attachments/store.ts';
import type { CursorValue, Platform } from './platform.ts';

/** What is counted across every run of one export (a resumed export adds to it). */
export interface ExportCounts {
  readonly tickets: number;
  readonly messages: number;
  /** Lines written, per output file. */
  readonly records: Readonly<Record<string, number>>;
  readonly attachmentsStored: number;
  readonly attachmentsFailed: Readonly<Partial<Record<FailureReason, number>>>;
  readonly requests: number;
  readonly count429: number;
  readonly waits: number;
  readonly waitedMs: number;
  readonly retries: number;
  /** Time spent walking, over every run. */
  readonly durationMs: number;
}

/**
 * `<out>/.hs-export/state.json`: the export's memory. Saved only after a batch's records are
 * appended and synced and its links stored, so after a kill the files are cut back to `lengths`
 * and the walk goes on from `cursor`: every record once. Never holds a credential: the origin
 * only, no path, no query.
 */
export interface ExportState {
  readonly version: 1;
  readonly platform: Platform;
  /** `https://acme.zendesk.com`: another account's export is another folder. */
  readonly origin: string;
  /** `--since` as an ISO date, or null for the whole history. */
  readonly since: string | null;
  /** What a later `--since <this folder>` starts from: when this export began, less a margin for clock skew. */
  readonly highWater: string;
  /** The checkpoint `run` uses for this export (absolute): a delta export shares its first export's. */
  readonly checkpoint: string;
  /** The last saved batch's cursor; absent before the first batch. */
  readonly cursor?: CursorValue;
  /** Byte length of each output file after the last saved batch. */
  readonly lengths: Readonly<Record<string, number>>;
  readonly counts: ExportCounts;
  /** What the walk could not do and the user must know (a time window still at the listing cap…): never a silent cut. */
  readonly warnings: readonly string[];
  readonly finished: boolean;
}

export const STATE_DIR = '.hs-export';

export function statePath(out: string): string {
  return join(out, STATE_DIR, 'state.json');
}

export function emptyCounts(): ExportCounts {
  return { tickets: 0, messages: 0, records: {}, attachmentsStored: 0, attachmentsFailed: {}, requests: 0, count429: 0, waits: 0, waitedMs: 0, retries: 0, durationMs: 0 };
}

export function readState(out: string): ExportState | undefined {
  const path = statePath(out);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: not a readable export state (${error instanceof Error ? error.message : String(error)}); move the folder aside and export again`]);
  }
  if (!isState(value)) throw new ConfigError([`${path}: not an hs-import export state (version 1); move the folder aside and export again`]);
  return value;
}

/** Temp file, fsync, rename, fsync of the folder: a state that exists is whole, old or new. */
/**
 * Written whole and renamed into place: a kill leaves the old state or the new one. `durable`
 * also syncs it to disk (with the output files synced before, by the caller); a save that is not
 * durable survives a kill but maybe not a power cut, which costs three disk flushes less a batch.
 */
export function saveState(out: string, state: ExportState, durable = true): void {
  const path = statePath(out);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeFully(fd, Buffer.from(JSON.stringify(state, null, 2) + '\n'));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  if (!durable) return;
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

function isState(value: unknown): value is ExportState {
  if (value === null || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  return s.version === 1 && typeof s.platform === 'string' && typeof s.origin === 'string' && typeof s.highWater === 'string' && typeof s.checkpoint === 'string'
    && typeof s.lengths === 'object' && s.lengths !== null && typeof s.counts === 'object' && s.counts !== null && Array.isArray(s.warnings) && typeof s.finished === 'boolean';
}
