import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { runImport, type RunOptions, type RunResult } from '../../src/pipeline/run-import.ts';
import { startSimulator, type RunningSimulator, type SimThread } from '../../src/simulator/index.ts';
import { filesUnder } from '../cli/helpers.ts';
import { CREDENTIALS, ENV as HELPSCOUT_ENV } from '../helpers/import-env.ts';

/**
 * What the platform export tests (Zendesk, Intercom, Freshdesk) share: a source simulator, the
 * Help Scout simulator the export is imported into, a child process and temporary folders, all
 * closed after each test; and the export-to-import plumbing, the same for every platform.
 */

/** The `runExport` options of the in-process exports: short backoffs. */
export const HTTP = { backoffMs: 5 };
export const FETCHER = { backoffMs: 1 };

export interface ExportTestEnv<S extends { close(): Promise<void> }> {
  /** The source simulator of this test, closed after it. */
  source(started: Promise<S>): Promise<S>;
  /** Closes the source now: the import that follows must do without it. */
  closeSource(): Promise<void>;
  /** The Help Scout simulator of this test, closed after it. */
  helpScout(): Promise<RunningSimulator>;
  /** A child process of this test, SIGKILLed after it if still running. */
  child<C extends { kill(): void }>(child: C): C;
  /** A new temporary folder, removed after the test. */
  newDir(): string;
}

/** Registers the `afterEach` that closes what each test started: child, source, Help Scout, folders. */
export function exportTestEnv<S extends { close(): Promise<void> }>(): ExportTestEnv<S> {
  let source: S | undefined;
  let helpScout: RunningSimulator | undefined;
  let child: { kill(): void } | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    child?.kill();
    await source?.close();
    await helpScout?.close();
    source = undefined;
    helpScout = undefined;
    child = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    async source(started) {
      source = await started;
      return source;
    },
    async closeSource() {
      const closing = source;
      source = undefined;
      await closing?.close();
    },
    async helpScout() {
      helpScout = await startHelpScout();
      return helpScout;
    },
    child(started) {
      child = started;
      return started;
    },
    newDir() {
      const dir = tempDir();
      dirs.push(dir);
      return dir;
    },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hs-platform-export-'));
}

export function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The Help Scout simulator the exported history goes into. */
export function startHelpScout(): Promise<RunningSimulator> {
  return startSimulator({
    seed: {
      credentials: [CREDENTIALS],
      mailboxes: [{ id: 1, name: 'Support' }],
      users: [{ id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' }],
      rateLimit: { unitsPerWindow: 100_000, windowSeconds: 60 },
    },
  });
}

/**
 * `hs-import run` on the `import.config.json` the export wrote, its placeholder target filled in
 * with the Help Scout simulator. The attachment credential the config names is a dummy: every
 * file must already be in the store the export filled (the tests close the source first).
 */
export async function importExport(out: string, helpScout: RunningSimulator, options: RunOptions = {}): Promise<RunResult> {
  const path = join(out, 'import.config.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { target: Record<string, unknown> };
  raw.target = { baseUrl: helpScout.url, mailboxId: 1, requestsPerMinute: 100_000, reconcileAfterSeconds: 0 };
  writeFileSync(path, JSON.stringify(raw, null, 2));
  return runImport(loadConfig(path), { env: { ...HELPSCOUT_ENV, ZENDESK_ATTACHMENT_AUTHORIZATION: 'Basic not-the-credential' }, ...options });
}

export function importedThreads(helpScout: RunningSimulator): SimThread[] {
  return [...helpScout.state.conversations.values()].flatMap((c) => c.threads.filter((t) => t.imported));
}

/** None of `secrets` (a token, the `Authorization` value it makes) is in any file under `dir`. */
export function expectNoneIn(dir: string, secrets: readonly string[]): void {
  for (const file of filesUnder(dir)) {
    for (const secret of secrets) expect(file.text, file.path).not.toContain(secret);
  }
}
