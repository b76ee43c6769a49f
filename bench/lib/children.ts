import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { framesText, mainProfile, topFrames } from './cpu-profile.ts';
import { BENCH_DIR, dataPath, REPO_DIR } from './data-dir.ts';
import { lastJsonLine, runNode, type ChildResult } from './proc.ts';

/** A bench child's measurement: its own JSON line, plus what was measured from outside. */
export interface Measured<T> {
  readonly out: T;
  readonly child: ChildResult;
}

/**
 * Runs `bench/children/<name>.ts` under node (via tsx), measured from outside; a non-zero exit
 * is an error carrying the child's stderr, never a number.
 */
export async function runChild<T>(name: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[]; timeoutMs?: number } = {}): Promise<Measured<T>> {
  const child = await runNode([...(options.nodeArgs ?? []), '--import', 'tsx', join(BENCH_DIR, 'children', `${name}.ts`), ...args], {
    ...(options.env ? { env: options.env } : {}),
    timeoutMs: options.timeoutMs ?? 600_000,
  });
  if (child.code !== 0) throw new Error(`bench child ${name} exited ${String(child.code)}: ${child.stderr.slice(-1500)}`);
  return { out: lastJsonLine(child.stdout) as T, child };
}

/** Runs a child again under `--cpu-prof` and says where its time goes (top self-time frames). */
export async function profileChild(name: string, args: readonly string[], label: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const dir = dataPath('profiles', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runChild(name, args, { ...options, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const profile = mainProfile(dir);
  return profile === undefined ? 'no profile written' : `profile ${profile}: ${framesText(topFrames(profile))}`;
}

let built = false;

/**
 * The shipped CLI (`dist/cli/main.js`, compiled once per bench run so it is current) on a config,
 * measured from outside; returns the report it wrote (`<reports>/<command>.json`). This is what a
 * user runs: no tsx, no bench code in the process.
 */
export async function runCli<T>(command: 'plan' | 'run' | 'verify', config: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; flags?: readonly string[] } = {}): Promise<Measured<T>> {
  if (!built) {
    execFileSync(process.execPath, [join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_DIR, 'tsconfig.build.json')], { stdio: 'inherit' });
    built = true;
  }
  const child = await runNode([join(REPO_DIR, 'dist', 'cli', 'main.js'), command, '--config', config, ...(options.flags ?? [])], {
    ...(options.env ? { env: options.env } : {}),
    timeoutMs: options.timeoutMs ?? 1_800_000,
  });
  if (child.code !== 0) throw new Error(`hs-import ${command} exited ${String(child.code)}: ${child.stderr.slice(-1500)}`);
  // writeConfig puts the reports beside the config.
  return { out: JSON.parse(readFileSync(join(dirname(config), 'reports', `${command}.json`), 'utf8')) as T, child };
}
