import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { runExport, type ExportOptions, type ExportResult } from '../../src/sources/export-run.ts';
import { spawnNode, type ChildExit } from '../crash/harness.ts';
import { filesUnder } from '../cli/helpers.ts';
import { DESK_SECRET, DESK_TOKEN_ENV, deskPlatform, startDesk, type Desk, type DeskOptions } from './export-test-desk.ts';

/** What the runner's tests share: desks and folders that are cleaned up after each test. */
const dirs: string[] = [];
const desks: Desk[] = [];

afterEach(async () => {
  await Promise.all(desks.splice(0).map((d) => d.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-export-'));
  dirs.push(dir);
  return dir;
}

export async function desk(options: DeskOptions = {}): Promise<Desk> {
  const started = await startDesk(options);
  desks.push(started);
  return started;
}

export function exportOf(d: Desk, out: string, options: Partial<ExportOptions> = {}): Promise<ExportResult> {
  return runExport(deskPlatform(d.api.url, DESK_SECRET), { out, http: { backoffMs: 5 }, fetcher: { backoffMs: 5 }, ...options });
}

/** The output files' text: what the import will read. */
export function outputOf(out: string): Record<string, string> {
  return Object.fromEntries(['tickets.jsonl', 'users.jsonl'].map((name) => [name, readFileSync(join(out, name), 'utf8')]));
}

/** The credential in no file under `out` and in none of `texts` (a child's stdout, stderr). */
export function expectNoSecret(out: string, ...texts: string[]): void {
  const token = DESK_SECRET.split(' ')[1] ?? DESK_SECRET;
  for (const file of filesUnder(out)) expect(file.text.includes(token), file.path).toBe(false);
  for (const text of texts) expect(text.includes(token)).toBe(false);
}

/** `runExport` of the desk in a child process (`export-run-child.ts`), the credential in its environment. */
export function spawnExport(d: Desk, out: string, since?: string): { exit: Promise<ChildExit>; kill(): void } {
  return spawnNode('test/sources/export-run-child.ts', [d.api.url, out, ...(since === undefined ? [] : [since])], { env: { [DESK_TOKEN_ENV]: DESK_SECRET } });
}
