import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../src/index.ts';
import { startSimulator, type RunningSimulator, type SeedConversation, type SeedFile } from '../../src/simulator/index.ts';
import { dataPath } from './data-dir.ts';

/** The simulated account's app; not a secret of anything real. */
export const BENCH_CREDENTIALS = { appId: 'bench-app', appSecret: 'bench-secret-not-a-real-one' };

/** The environment of a child `run`: the simulated account's credentials, nothing else changed. */
export function benchEnv(): NodeJS.ProcessEnv {
  return { ...process.env, HELPSCOUT_APP_ID: BENCH_CREDENTIALS.appId, HELPSCOUT_APP_SECRET: BENCH_CREDENTIALS.appSecret };
}

/** An empty folder under bench/data/runs for one measured run (state, reports, config). */
export function runDir(name: string): string {
  const dir = dataPath('runs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes `import.config.json` in `dir` (state and reports beside it) and validates it with the
 * product's own check, so a bench config error shows here and not as a child's exit code.
 */
export function writeConfig(dir: string, source: Record<string, unknown>, target: Record<string, unknown>, policy: Record<string, unknown> = {}): string {
  const raw = { source, target: { mailboxId: 1, ...target }, policy, checkpoint: 'state/checkpoint.jsonl', reports: 'reports' };
  const path = join(dir, 'import.config.json');
  writeFileSync(path, JSON.stringify(raw, null, 2));
  validateConfig(raw, path, benchEnv());
  return path;
}

/** The embedded simulator on 127.0.0.1, in this process, seeded with the account and conversations. */
export function benchSimulator(conversations: readonly SeedConversation[], rateLimit: Exclude<SeedFile['rateLimit'], undefined>): Promise<RunningSimulator> {
  return startSimulator({
    host: '127.0.0.1',
    seed: {
      credentials: [BENCH_CREDENTIALS],
      mailboxes: [{ id: 1, name: 'Support' }],
      users: [{ id: 1, firstName: 'Bench', lastName: 'Admin', email: 'admin@example.com' }],
      rateLimit,
      conversations: [...conversations],
    },
  });
}
