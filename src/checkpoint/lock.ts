import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { FatalError } from '../core/errors.ts';
import { unwritable } from './unwritable.ts';

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

/**
 * One run per checkpoint: a lock file with pid, host and start time. It is written in full to a
 * temporary file and linked into place (atomic, fails if a lock exists), so no run ever reads a
 * half-written lock; a stale one is moved aside atomically, so of two runs taking it over at
 * once only one gets it.
 */
export function acquireLock(path: string): HeldLock {
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(mine));
  } catch (error) {
    throw unwritable('the lock', path, error, 'nothing was sent');
  }
  try {
    let takeover: string | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, path);
        return {
          ...(takeover === undefined ? {} : { takeover }),
          release: () => {
            rmSync(path, { force: true });
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw unwritable('the lock', path, error, 'nothing was sent');
        }
      }
      const seen = readText(path);
      if (seen === undefined) continue;
      const other = parseLock(seen);
      if (other && (other.host !== mine.host || isAlive(other.pid))) throw lockedBy(other, path);
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readText(aside);
      if (moved !== seen) {
        // Another run took the stale lock over first and we moved its fresh one: give it back.
        tryLink(aside, path);
        rmSync(aside, { force: true });
        const holder = moved === undefined ? undefined : parseLock(moved);
        throw holder ? lockedBy(holder, path) : new FatalError('locked', `could not take the lock ${path}`);
      }
      rmSync(aside, { force: true });
      takeover = other ? `took over a stale lock of pid ${other.pid} (started ${other.startedAt}, no longer running)` : 'took over an unreadable lock file';
    }
    throw new FatalError('locked', `could not take the lock ${path}`);
  } finally {
    rmSync(temp, { force: true });
  }
}

function lockedBy(other: LockInfo, path: string): FatalError {
  return new FatalError('locked', `another run holds the checkpoint (pid ${other.pid} on ${other.host}, since ${other.startedAt}). Wait for it, or if it is gone, delete ${path}.`);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo> | null;
    return typeof parsed?.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt) } : undefined;
  } catch {
    return undefined;
  }
}

function tryLink(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    // a third run holds it now: fine, it is held
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
