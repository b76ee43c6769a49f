import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvRecords, runCli } from '../cli/helpers.ts';
import { ENV, importEnv, type ImportEnv } from '../helpers/import-env.ts';
import { control, landed, rows, seed } from './helpers.ts';

interface VerifyJson {
  ok: boolean;
  notes: { checked: number; found: number; missing: number; duplicated: number };
  requests: { requests: number; writes: number; bound: number };
  missing: { key: string; reason: string }[];
  duplicated: { key: string; copies: number }[];
  unmatched: unknown[];
  unverifiable: unknown[];
}

describe('hs-import verify', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('before any run: exit 2, saying to run first', async () => {
    env = await importEnv(rows, seed);
    const verify = await runCli(['verify', '--config', env.configPath], ENV);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/nothing imported yet \(no checkpoint at .*\): run `hs-import run` first/);
  });

  it('after a clean run: exit 0, reports, and id-map.csv now has every thread id', async () => {
    env = await importEnv(rows, seed);
    expect((await runCli(['run', '--config', env.configPath], ENV)).code).toBe(0);
    const idMap = (): Record<string, string>[] => csvRecords(readFileSync(join(env.dir, 'reports/id-map.csv'), 'utf8'));
    expect(idMap().filter((r) => r.thread === '').map((r) => `${r.ticket}:${r.note}`)).toEqual(['D:1', 'D:2']);
    const verify = await runCli(['verify', '--config', env.configPath], ENV);
    // stderr holds progress lines only (not a TTY here).
    expect(verify.stderr).not.toMatch(/error|notice|warning/i);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^hs-import verify: 8 notes checked in 4 conversations: 8 found once, 0 missing, 0 duplicated, 0 unverifiable$/m);
    expect(verify.stdout).toMatch(/^requests: 8 \(8 reads, 0 writes\) ≤ 4 conversations \+ 4 thread pages \+ 0 merge hops; 0 answered 429$/m);
    expect(idMap().filter((r) => r.thread === '')).toEqual([]);
    const json = JSON.parse(readFileSync(join(env.dir, 'reports/verify.json'), 'utf8')) as VerifyJson;
    expect(json).toMatchObject({ ok: true, notes: { checked: 8, found: 8 }, requests: { writes: 0, requests: 8, bound: 8 }, missing: [], duplicated: [], unmatched: [], unverifiable: [] });
    expect(readFileSync(join(env.dir, 'reports/verify.md'), 'utf8')).toContain('**Every checked note is in Help Scout exactly once.**');
  });

  it('a thread deleted and one copied: exit 1, both named by ticket:note on stdout and in the reports', async () => {
    env = await importEnv(rows, seed);
    expect((await runCli(['run', '--config', env.configPath], ENV)).code).toBe(0);
    const a2 = landed(env, 'A:2');
    const b1 = landed(env, 'B:1');
    await control(env, 'delete-thread', { conversation: a2.conversation, thread: a2.thread });
    await control(env, 'copy-thread', { conversation: b1.conversation, thread: b1.thread });
    const verify = await runCli(['verify', '--config', env.configPath], ENV);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^missing: A:2 in conversation 11 \(thread_gone\)$/m);
    expect(verify.stdout).toMatch(/^duplicated: B:1 in conversation 12 \(2 copies\)$/m);
    const json = JSON.parse(readFileSync(join(env.dir, 'reports/verify.json'), 'utf8')) as VerifyJson;
    expect(json.ok).toBe(false);
    expect(json.missing).toEqual([{ key: 'A:2', conversation: 11, reason: 'thread_gone' }]);
    expect(json.duplicated).toEqual([{ key: 'B:1', conversation: 12, copies: 2 }]);
    const md = readFileSync(join(env.dir, 'reports/verify.md'), 'utf8');
    expect(md).toContain('| A:2 | 11 | thread_gone |');
    expect(md).toContain('| B:1 | 12 | 2 |');
  });

  it('--sample must be a whole number above 0', async () => {
    env = await importEnv(rows, seed);
    const verify = await runCli(['verify', '--sample', '0', '--config', env.configPath], ENV);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('--sample: expected a whole number above 0');
  });
});
