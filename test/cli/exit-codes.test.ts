import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENV, bodyCounts, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';
import { filesUnder, runCli, spawnCli } from './helpers.ts';

describe('hs-import exit codes', () => {
  let env: ImportEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('documents every exit code in --help, and exits 2 on a command line it cannot use', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const [code, meaning] of [['0', 'all done'], ['1', 'finished with rejects'], ['2', 'config or input error'], ['3', 'aborted'], ['130', 'interrupted']]) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${code}\\s+${meaning}`, 'm'));
    }
    const badLimit = await runCli(['run', '--limit', 'ten']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('--limit: expected a whole number above 0, got "ten"');
  });

  it('exits 2 with every config problem at once, as dot.path: message, before any request', async () => {
    env = await importEnv(generateRows(1, 1));
    const config = JSON.parse(readFileSync(env.configPath, 'utf8')) as { source: Record<string, unknown>; target: Record<string, unknown> };
    writeFileSync(
      env.configPath,
      JSON.stringify({ ...config, source: { ...config.source, format: 'zendsk', path: 'gone.csv' }, target: { ...config.target, mailboxID: 1, plan: 7 } }),
    );
    const cli = await runCli(['run', '--config', env.configPath], ENV);
    expect(cli.code).toBe(2);
    const problems = cli.stderr.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
    expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).toEqual(['source.format', 'source.path', 'target.mailboxID', 'target.plan']);
    expect(problems.find((p) => p.startsWith('target.mailboxID'))).toContain('did you mean "mailboxId"?');
    expect(env.sim.state.counters.snapshot().requests).toEqual({});
    expect(existsSync(join(env.dir, 'state'))).toBe(false);
  });

  it('exits 2 when the environment has no credentials for a real target', async () => {
    env = await importEnv(generateRows(1, 1));
    const cli = await runCli(['run', '--config', env.configPath]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET/);
    expect(env.sim.state.counters.snapshot().requests).toEqual({});
  });

  it('exits 130 on Ctrl-C with the checkpoint flushed, and the next run finishes every note once', async () => {
    // Each write takes 300 ms: the run is surely mid-delivery when the signal comes.
    env = await importEnv(generateRows(1, 20, () => ({ conversation: 11 })), { conversations: [{ id: 11 }], faults: { latencyMs: 300, on: 'writes' } });
    const checkpoint = join(env.dir, 'state/checkpoint.jsonl');
    const child = spawnCli(['run', '--config', env.configPath], ENV);
    await expect.poll(() => env?.sim.state.counters.snapshot().notesCreated ?? 0, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    child.kill('SIGINT');
    const interrupted = await child.result;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('interrupted: finishing requests in flight and flushing the checkpoint');
    const run = JSON.parse(readFileSync(join(env.dir, 'reports/run.json'), 'utf8')) as { interrupted: boolean; counts: { done: number; inDoubt: number; left: number } };
    expect(run.interrupted).toBe(true);
    expect(run.counts.left).toBeGreaterThan(0);
    // Flushed: every note Help Scout holds is recorded done, none in doubt.
    const landed = env.sim.state.counters.snapshot().notesCreated;
    expect(run.counts.done).toBe(landed);
    expect(run.counts.inDoubt).toBe(0);
    const events = readFileSync(checkpoint, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { t: string; keys?: string[] });
    expect(events.filter((e) => e.t === 'done').flatMap((e) => e.keys ?? [])).toHaveLength(landed);
    expect(existsSync(`${checkpoint}.lock`)).toBe(false);

    await fetch(`${env.sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ faults: { latencyMs: 0 } }) });
    const resumed = await runCli(['run', '--config', env.configPath], ENV);
    expect(resumed.code).toBe(0);
    const counts = bodyCounts(env.sim);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('exits 3 on wrong credentials, naming the variables and never printing the secret', async () => {
    env = await importEnv(generateRows(2, 2, () => ({ conversation: 11 })), { conversations: [{ id: 11 }] });
    const wrongSecret = 'wrong-secret-must-not-leak-8d31';
    const logFile = join(env.dir, 'events.ndjson');
    const cli = await runCli(['run', '--verbose', '--log-file', logFile, '--config', env.configPath], { HELPSCOUT_APP_ID: CREDENTIALS.appId, HELPSCOUT_APP_SECRET: wrongSecret });
    expect(cli.code).toBe(3);
    expect(cli.stderr).toMatch(/aborted \(auth_failed\): .*HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET/);
    expect(cli.stdout + cli.stderr).not.toContain(wrongSecret);
    const files = filesUnder(env.dir);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) expect(file.text, file.path).not.toContain(wrongSecret);
    expect(env.sim.state.counters.snapshot().notesCreated).toBe(0);
  });
});
