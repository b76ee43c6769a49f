import { writeSync } from 'node:fs';

/**
 * Writes all of `bytes` to `fd`, at `position` or at the file's current offset. `writeSync` may
 * write less than asked (a file size limit, a disk nearly full): the rest is written again, so
 * that the retry fails loudly instead of the file silently missing its tail. Returns the count.
 */
export function writeFully(fd: number, bytes: Uint8Array, position?: number): number {
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === undefined ? null : position + done);
  }
  return bytes.length;
}
