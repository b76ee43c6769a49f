import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
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
 * `<out>/.hs-export/` (see StateFile): the export's memory. Saved only after a batch's records are
 * appended and its links stored, so after a kill the files are cut back to `lengths`
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

/**
 * The state lives in two slots written in turn, each `{"seq","bytes","sha256"}` on a line, then
 * the state's JSON: a kill mid-write tears only the slot being written, and the other holds the
 * save before. The newest whole slot wins. A save is one write in place, not a file renamed into
 * place: a rename a batch was a third of a fast export's time.
 */
const SLOTS = ['state.0', 'state.1'] as const;
/** Where exports before the slots kept their state (read when no slot exists yet). */
const LEGACY = 'state.json';

export function stateDir(out: string): string {
  return join(out, STATE_DIR);
}

export function emptyCounts(): ExportCounts {
  return { tickets: 0, messages: 0, records: {}, attachmentsStored: 0, attachmentsFailed: {}, requests: 0, count429: 0, waits: 0, waitedMs: 0, retries: 0, durationMs: 0 };
}

interface Slot {
  readonly seq: number;
  readonly state: unknown;
}

export function readState(out: string): ExportState | undefined {
  const found = newestSlot(out);
  const legacy = join(stateDir(out), LEGACY);
  if (found === undefined && !existsSync(legacy)) return undefined;
  const where = found?.path ?? legacy;
  let value: unknown;
  try {
    value = found === undefined ? JSON.parse(readFileSync(legacy, 'utf8')) : found.slot?.state;
  } catch (error) {
    throw new ConfigError([`${where}: not a readable export state (${error instanceof Error ? error.message : String(error)}); move the folder aside and export again`]);
  }
  if (!isState(value)) throw new ConfigError([`${where}: not an hs-import export state (version 1); move the folder aside and export again`]);
  return value;
}

/** The whole slot with the highest `seq`; `slot` undefined when slots exist but none is whole. */
function newestSlot(out: string): { path: string; slot: Slot | undefined } | undefined {
  const paths = SLOTS.map((name) => join(stateDir(out), name)).filter((path) => existsSync(path));
  if (paths.length === 0) return undefined;
  let newest: { path: string; slot: Slot } | undefined;
  for (const path of paths) {
    const slot = slotOf(readFileSync(path));
    if (slot !== undefined && (newest === undefined || slot.seq > newest.slot.seq)) newest = { path, slot };
  }
  return newest ?? { path: paths[0] ?? '', slot: undefined };
}

/** A slot's state if its body is whole (length and checksum), else undefined: a torn write. */
function slotOf(bytes: Buffer): Slot | undefined {
  const end = bytes.indexOf(0x0a);
  if (end < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, end).toString('utf8'));
  } catch {
    return undefined;
  }
  const { seq, bytes: length, sha256 } = (header ?? {}) as Record<string, unknown>;
  if (typeof seq !== 'number' || typeof length !== 'number' || typeof sha256 !== 'string') return undefined;
  const body = bytes.subarray(end + 1, end + 1 + length);
  if (body.length !== length || digest(body) !== sha256) return undefined;
  try {
    return { seq, state: JSON.parse(body.toString('utf8')) };
  } catch {
    return undefined;
  }
}

function digest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Saves the export's state: each save goes to the slot older than the newest, so a kill at any
 * instant leaves the last whole save readable. `durable` also syncs it to disk (with the output
 * files synced before, by the caller); a save that is not durable survives a kill but maybe not a
 * power cut, which costs a disk flush less a batch.
 */
export class StateFile {
  private seq: number;
  private readonly fds: (number | undefined)[] = [undefined, undefined];
  /** Bytes each slot holds: a shorter save cuts its slot back, so no stale tail is left behind. */
  private readonly sizes = [0, 0];

  constructor(private readonly out: string) {
    this.seq = newestSlot(out)?.slot?.seq ?? 0;
  }

  save(state: ExportState, durable = true): void {
    const seq = ++this.seq;
    const index = seq % SLOTS.length;
    const body = Buffer.from(JSON.stringify(state, null, 2) + '\n');
    const bytes = Buffer.concat([Buffer.from(JSON.stringify({ seq, bytes: body.length, sha256: digest(body) }) + '\n'), body]);
    const fd = this.fds[index];
    if (fd === undefined) {
      this.fds[index] = this.create(index, bytes, durable);
    } else {
      writeFully(fd, bytes, 0);
      if (bytes.length < (this.sizes[index] ?? 0)) ftruncateSync(fd, bytes.length);
      if (durable) fdatasyncSync(fd);
    }
    this.sizes[index] = bytes.length;
  }

  close(): void {
    for (const fd of this.fds) if (fd !== undefined) closeSync(fd);
    this.fds.fill(undefined);
  }

  /** A slot's first write: a whole file renamed into place, so a slot that exists never starts torn. */
  private create(index: number, bytes: Uint8Array, durable: boolean): number {
    const dir = stateDir(this.out);
    const path = join(dir, SLOTS[index] ?? '');
    mkdirSync(dir, { recursive: true });
    const temporary = `${path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeFully(fd, bytes);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    if (durable) {
      const dirFd = openSync(dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    return openSync(path, 'r+');
  }
}

function isState(value: unknown): value is ExportState {
  if (value === null || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  return s.version === 1 && typeof s.platform === 'string' && typeof s.origin === 'string' && typeof s.highWater === 'string' && typeof s.checkpoint === 'string'
    && typeof s.lengths === 'object' && s.lengths !== null && typeof s.counts === 'object' && s.counts !== null && Array.isArray(s.warnings) && typeof s.finished === 'boolean';
}
