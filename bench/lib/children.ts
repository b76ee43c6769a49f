import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { framesText, mainProfile, topFrames } from './cpu-profile.ts';
import { BENCH_DIR, dataPath } from './data-dir.ts';
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
