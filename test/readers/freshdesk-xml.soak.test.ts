import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeGeneratedExport } from './freshdesk-xml-generate.ts';
import { tempDir } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TICKETS = 340_000;

describe('freshdesk-xml reader on a 1 GB account export', () => {
  it('reads it in under 256 MB of RSS', async () => {
    const dir = tempDir();
    const unpacked = writeGeneratedExport(join(dir, 'export.zip'), TICKETS, 4);
    expect(unpacked).toBeGreaterThan(1e9);
    // Its own process, so its peak RSS is measured apart from the test runner (tsx and all: about 100 MB before reading).
    const child = join(import.meta.dirname, 'freshdesk-xml-read-child.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, join(dir, 'export.zip')], { cwd: ROOT, maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout) as { notes: number; rejects: number; maxRssKb: number };
    expect(result).toMatchObject({ notes: TICKETS * 5, rejects: 0 });
    expect(result.maxRssKb * 1024).toBeLessThan(256 * 1024 * 1024);
  });
});
