import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from '../crash/harness.ts';

/** A child process racing for the lock; resolves its lines as they come. */
function racer(lock: string, dir: string): { line: (n: number) => Promise<string>; closed: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/checkpoint/lock-child.ts', lock, dir], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
    waiting.splice(0).forEach((wake) => { wake(); });
  });
  const line = async (n: number): Promise<string> => {
    while (lines.length <= n) await new Promise<void>((resolve) => waiting.push(resolve));
    return lines[n] ?? '';
  };
  return { line, closed: new Promise((resolve) => child.on('close', () => { resolve(); })) };
}

it('of several runs taking over one stale lock at the same instant, exactly one gets it', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-import-lock-race-'));
  try {
    const lock = join(dir, 'checkpoint.jsonl.lock');
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    writeFileSync(lock, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2024-01-01T00:00:00.000Z' }));
    const racers = [1, 2, 3, 4].map(() => racer(lock, dir));
    await Promise.all(racers.map((r) => r.line(0)));
    writeFileSync(join(dir, 'go'), '');
    const results = await Promise.all(racers.map((r) => r.line(1)));
    writeFileSync(join(dir, 'release'), '');
    await Promise.all(racers.map((r) => r.closed));
    // Whoever links first holds it (the one that moved the stale lock aside, or one slipping in right after).
    expect(results.filter((r) => r.startsWith('held'))).toHaveLength(1);
    expect(results.filter((r) => r === 'refused locked')).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['go', 'release']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
