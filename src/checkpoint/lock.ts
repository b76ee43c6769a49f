import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { FatalError } from '../core/errors.ts';

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface HeldLock {
  /** Said when a stale lock of a dead run was taken over. */
  readonly takeover?: string;
  release(): void;
}

/** One run per checkpoint: a lock file with pid, host and start time, created exclusively. */
export function acquireLock(path: string): HeldLock {
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let takeover: string | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx' });
      return {
        ...(takeover === undefined ? {} : { takeover }),
        release: () => {
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FatalError('checkpoint_unwritable', `cannot create the lock ${path}: ${(error as Error).message}`);
      }
    }
    const other = readLock(path);
    if (other && (other.host !== mine.host || isAlive(other.pid))) {
      throw new FatalError(
        'locked',
        `another run holds the checkpoint (pid ${other.pid} on ${other.host}, since ${other.startedAt}). Wait for it, or if it is gone, delete ${path}.`,
      );
    }
    takeover = other
      ? `took over a stale lock of pid ${other.pid} (started ${other.startedAt}, no longer running)`
      : 'took over an unreadable lock file';
    rmSync(path, { force: true });
  }
  throw new FatalError('locked', `could not take the lock ${path}`);
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
