import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { FatalError } from '../core/errors.ts';
import { writeFully } from '../core/write-fully.ts';
import type { CheckpointEvent } from './events.ts';
import { unwritable } from './unwritable.ts';

/** Where delivery records what it is about to do and what it did. */
export interface CheckpointStore {
  /** Written to the kernel before it returns: survives the process being killed. */
  append(event: CheckpointEvent): void;
  /** Resolves once everything appended so far is on disk (survives a power cut). */
  durable(): Promise<void>;
  close(): void;
}

export interface LogWriterOptions {
  /** Done, rejected and moved events are fdatasync'ed at least this often. */
  readonly syncIntervalMs?: number;
  /** false: no fsync at all (the bench's baseline). */
  readonly sync?: boolean;
}

/**
 * Append-only JSONL. Each event is written with a synchronous write before `append` returns,
 * so it survives the process being killed the next instant (the kernel has it). Against power
 * loss, fsync is batched (group commit): an intent is awaited with `durable()` before its
 * request goes out, and the lanes that log one in the same turn of the event loop share one
 * fdatasync, started at the end of that turn even while an earlier one runs. Done, rejected
 * and moved events are not awaited: a power cut can lose the last `syncIntervalMs` of them,
 * which only puts those notes back in doubt (their intents are on disk) for the next run to
 * reconcile; a `done` is never on disk without its 201. A write failure (disk full, read-only)
 * stops the run: nothing is sent that was not logged first.
 */
export class LogWriter implements CheckpointStore {
  private readonly fd: number;
  private readonly syncIntervalMs: number;
  private readonly sync: boolean;
  /** Events written, and events covered by a finished fdatasync. */
  private written = 0;
  private synced = 0;
  private lastSync = Date.now();
  /** The last fdatasync started, while it runs: what it covers. */
  private syncing: { readonly upTo: number; readonly done: Promise<void> } | undefined;
  /** An fdatasync to start once this turn of the event loop has run: waiters that come meanwhile share it. */
  private queued: Promise<void> | undefined;
  private failure: FatalError | undefined;

  constructor(
    readonly path: string,
    options: LogWriterOptions = {},
  ) {
    this.syncIntervalMs = options.syncIntervalMs ?? 200;
    this.sync = options.sync ?? true;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a+');
      cutTornTail(this.fd);
    } catch (error) {
      throw unwritable('the checkpoint', path, error);
    }
  }

  append(event: CheckpointEvent): void {
    if (this.failure) throw this.failure;
    try {
      writeFully(this.fd, Buffer.from(JSON.stringify(event) + '\n'));
    } catch (error) {
      throw (this.failure = unwritable('the checkpoint', this.path, error));
    }
    this.written++;
    if (this.sync && this.syncing === undefined && Date.now() - this.lastSync >= this.syncIntervalMs) {
      // Not awaited: a failure is kept and thrown by the next append or durable().
      this.startSync().catch(() => undefined);
    }
  }

  async durable(): Promise<void> {
    if (!this.sync) return;
    const wanted = this.written;
    if (this.synced < wanted) {
      if (this.failure) throw this.failure;
      // An fdatasync already running may have started before these events were written: then
      // it does not cover them, and waiting for it before starting the next costs up to two
      // syncs. The next starts now, beside it (the kernel commits it as soon as it can), shared
      // by every lane that logs an intent in this turn of the event loop.
      const covering = this.syncing !== undefined && this.syncing.upTo >= wanted ? this.syncing.done : (this.queued ??= this.startSoon());
      await covering.catch(() => undefined);
    }
    if (this.failure) throw this.failure;
  }

  /** Events appended that a power cut could still lose. */
  get unsynced(): number {
    return this.sync ? this.written - this.synced : 0;
  }

  close(): void {
    try {
      if (this.sync && this.written > this.synced && !this.failure) fdatasyncSync(this.fd);
      this.synced = this.written;
    } finally {
      closeSync(this.fd);
    }
  }

  private startSoon(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.queued = undefined;
        this.startSync().then(resolve, reject);
      });
    });
  }

  /** One fdatasync covering every event written before it starts. */
  private startSync(): Promise<void> {
    const upTo = this.written;
    const done = new Promise<void>((resolve, reject) => {
      fdatasync(this.fd, (error) => {
        if (this.syncing?.done === done) this.syncing = undefined;
        if (error) {
          this.failure ??= unwritable('the checkpoint', this.path, error);
          reject(this.failure);
          return;
        }
        this.synced = Math.max(this.synced, upTo);
        this.lastSync = Date.now();
        resolve();
      });
    });
    this.syncing = { upTo, done };
    return done;
  }
}

/** A crash mid-write leaves a last line without its newline: cut it, or the next event would join it. */
function cutTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  const last = Buffer.alloc(1);
  if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return;
  // Walk back a block at a time to the last newline (a line may be longer than one block).
  const block = Buffer.alloc(1 << 16);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - block.length);
    readSync(fd, block, 0, end - start, start);
    const newline = block.subarray(0, end - start).lastIndexOf(0x0a);
    if (newline >= 0) {
      ftruncateSync(fd, start + newline + 1);
      return;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
}
