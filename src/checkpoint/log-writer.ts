import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FatalError } from '../core/errors.ts';
import type { CheckpointEvent } from './events.ts';

/** Where delivery records what it is about to do and what it did. */
export interface CheckpointStore {
  append(event: CheckpointEvent): void;
  close(): void;
}

export interface LogWriterOptions {
  /** fdatasync at most this often: a power cut can lose at most this window of events. */
  readonly syncIntervalMs?: number;
  /** false: no fsync at all (the bench's baseline). */
  readonly sync?: boolean;
}

/**
 * Append-only JSONL. Each event is written with a synchronous write before `append` returns,
 * so it survives the process being killed the next instant (the kernel has it); fsync runs in
 * batches against power loss. A write failure (disk full, read-only) stops the run: nothing is
 * sent that was not logged first.
 */
export class LogWriter implements CheckpointStore {
  private readonly fd: number;
  private lastSync = 0;
  private dirty = false;
  private readonly syncIntervalMs: number;
  private readonly sync: boolean;

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
      throw unwritable(path, error);
    }
  }

  append(event: CheckpointEvent): void {
    try {
      writeSync(this.fd, JSON.stringify(event) + '\n');
      this.dirty = true;
      const now = Date.now();
      if (this.sync && now - this.lastSync >= this.syncIntervalMs) this.flush(now);
    } catch (error) {
      throw unwritable(this.path, error);
    }
  }

  close(): void {
    if (this.sync && this.dirty) this.flush(Date.now());
    closeSync(this.fd);
  }

  private flush(now: number): void {
    fdatasyncSync(this.fd);
    this.lastSync = now;
    this.dirty = false;
  }
}

/** A crash mid-write leaves a last line without its newline: cut it, or the next event would join it. */
function cutTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const tail = Buffer.alloc(Math.min(size, 1 << 16));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  if (tail[tail.length - 1] === 0x0a) return;
  const lastNewline = tail.lastIndexOf(0x0a);
  ftruncateSync(fd, lastNewline < 0 ? size - tail.length : size - tail.length + lastNewline + 1);
}

function unwritable(path: string, error: unknown): FatalError {
  return new FatalError('checkpoint_unwritable', `cannot write the checkpoint ${path}: ${(error as Error).message}. Free disk space or fix permissions, then run again (nothing unlogged was sent).`);
}
