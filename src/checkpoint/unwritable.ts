import { FatalError } from '../core/errors.ts';

/**
 * The state folder refused a write (disk full, read-only, a file where a folder should be):
 * the run stops with exit 3 and says what to do. `what` names the file: "the checkpoint",
 * "the spool", "the lock".
 */
export function unwritable(what: string, path: string, error: unknown, afterwards = 'nothing unlogged was sent'): FatalError {
  return new FatalError('checkpoint_unwritable', `cannot write ${what} ${path}: ${(error as Error).message}. Free disk space or fix permissions, then run again (${afterwards}).`);
}
