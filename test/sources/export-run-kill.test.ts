import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/sources/export-state.ts';
import { desk, expectNoSecret, exportOf, outputOf, spawnExport, tempDir } from './export-run-helpers.ts';

describe('the export runner killed (SIGKILL) and run again', () => {
  it('ends with files byte-equal to an unkilled export, whether killed between batches or with a batch written but not saved', async () => {
    const d = await desk();
    const reference = tempDir();
    await exportOf(d, reference);
    const expected = outputOf(reference);
    // Killed while the API answers page 3 (two batches saved), and while page 3's second
    // attachment downloads (its records written, its cursor not saved: the resume cuts them off).
    const points = [{ where: 'api', n: 3 }, { where: 'file', n: 3 }] as const;
    for (const [i, point] of points.entries()) {
      const out = tempDir();
      const before = { api: d.api.requests.length, file: d.files.requests.length };
      const child = spawnExport(d, out);
      // Kill points are requests the servers see, never timers: held unanswered, then the kill.
      const killAt = (where: 'api' | 'file', seen: number): boolean => {
        if (where !== point.where || seen - before[where] !== point.n) return false;
        child.kill();
        return true;
      };
      d.api.hold = (r) => killAt('api', r.n);
      d.files.hold = () => killAt('file', d.files.requests.length);
      const killed = await child.exit;
      expect(killed.signal, `${point.where} ${point.n}: ${killed.stderr}`).toBe('SIGKILL');
      d.api.hold = () => false;
      d.files.hold = () => false;
      const saved = readState(out)?.lengths['tickets.jsonl'] ?? 0;
      if (point.where === 'file') expect(statSync(join(out, 'tickets.jsonl')).size).toBeGreaterThan(saved);
      expectNoSecret(out, killed.stdout, killed.stderr);
      if (i < points.length - 1) {
        await exportOf(d, out);
      } else {
        // The last one resumes as a child too: its output, run to the end, holds no credential either.
        const resumed = await spawnExport(d, out).exit;
        expect(resumed.code, resumed.stderr).toBe(0);
        expectNoSecret(out, resumed.stdout, resumed.stderr);
      }
      expect(readState(out)?.finished).toBe(true);
      expect(outputOf(out), `${point.where} ${point.n}`).toEqual(expected);
    }
  });
});
