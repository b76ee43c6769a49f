import { closeSync, openSync } from 'node:fs';
import { writeFully } from '../core/write-fully.ts';

/**
 * Writes lines to a file through one 1 MB buffer: a string grown line by line until it is
 * written holds every line of it alive, and a million of them were promoted to the old heap.
 */
export function writeLines(path: string, lines: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    let block = Buffer.allocUnsafe(1 << 20);
    let used = 0;
    for (const line of lines) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      const most = line.length * 3;
      if (used + most > block.length) {
        writeFully(fd, block.subarray(0, used));
        used = 0;
        if (most > block.length) block = Buffer.allocUnsafe(most);
      }
      used += block.write(line, used);
    }
    writeFully(fd, block.subarray(0, used));
  } finally {
    closeSync(fd);
  }
}
