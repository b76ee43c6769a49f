import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliOnTty } from './helpers.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'hs-import-simulated-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The README's demo: the fixture CSV into the embedded simulator, no credentials needed. */
function demoConfig(): string {
  copyFileSync(join(FIXTURES, 'csv/notes.csv'), join(dir, 'notes.csv'));
  copyFileSync(join(FIXTURES, 'helpscout/seed.json'), join(dir, 'seed.json'));
  const path = join(dir, 'import.config.json');
  writeFileSync(path, JSON.stringify({ source: { format: 'csv', path: 'notes.csv' }, target: { simulator: 'seed.json', mailboxId: 1 }, checkpoint: 'state/checkpoint.jsonl', reports: 'reports' }));
  return path;
}

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');

/** The summary lines a command printed (progress and notices are not report lines). */
function reportLines(output: string): string[] {
  return output
    .split(/\r?\n|\r/)
    .map((line) => line.replace(ANSI, '').trim())
    .filter((line) => /^(hs-import (plan|run|status)|target|requests|conversations|duration|rejected|estimate|assumed|checked|checkpoint|interrupted|in doubt|left|reports)\b/.test(line));
}

describe('against the embedded simulator', () => {
  it('run draws a progress bar on a terminal; plan, run and status say [simulated] on every report line', async () => {
    const config = demoConfig();

    const run = await runCliOnTty(['run', '--config', config]);
    expect(run.code).toBe(0);
    // A bar redrawn in place: done/total, rate, ETA, rejects so far, 429s.
    expect(run.stdout).toMatch(/\[[█░]+\] 10\/10 notes \| [\d.]+\/s \| ETA \S+ \| rejected 0 \| 429s 0/);
    expect(run.stdout.includes('\r') || run.stdout.includes(`${ESC}[`)).toBe(true);
    expect(run.stdout).not.toMatch(/^\[\d+s\] deliver:/m);

    const status = await runCli(['status', '--config', config]);
    const plan = await runCli(['plan', '--config', config]);
    for (const [command, output] of [['run', run.stdout], ['status', status.stdout], ['plan', plan.stdout]] as const) {
      const lines = reportLines(output);
      expect(lines.length, command).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line, command).toContain('[simulated]');
    }
    expect(status.stdout).toContain('10 notes done');
    for (const file of ['run.md', 'plan.md']) expect(readFileSync(join(dir, 'reports', file), 'utf8')).toMatch(/^# hs-import .*\[simulated\]\n\n> \[simulated\]/);
    expect(JSON.parse(readFileSync(join(dir, 'reports/run.json'), 'utf8'))).toMatchObject({ simulated: true, target: 'simulator' });
  });
});
