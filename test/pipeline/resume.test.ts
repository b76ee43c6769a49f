import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/checkpoint/lock.ts';
import { validateConfig } from '../../src/config/load.ts';
import { ConfigError, FatalError } from '../../src/core/errors.ts';
import { runImport, type RunOptions } from '../../src/pipeline/run-import.ts';
import { importStatus } from '../../src/pipeline/status.ts';
import { KillProxy, spawnCli } from '../crash/harness.ts';
import { expectEveryNoteExactlyOnce } from '../crash/scenario.ts';
import { csvOf, ENV, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv;
afterEach(async () => env.close());

const notices: string[] = [];
const options = (extra: RunOptions = {}): RunOptions => ({ env: ENV, onNotice: (m) => notices.push(m), ...extra });

function logLines(): string[] {
  return readFileSync(env.config.checkpoint, 'utf8').split('\n').filter((l) => l !== '');
}

async function rejection<E extends Error>(run: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await run;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error('expected the run to be refused');
}

describe('resuming with a changed config or input', () => {
  it('refuses a changed input, naming the file and what changed, and sends nothing', async () => {
    const rows = generateRows(1, 3, () => ({ conversation: 601 }));
    env = await importEnv(rows, { conversations: [{ id: 601 }] });
    await runImport(env.config, options());
    writeFileSync(env.config.source.path, csvOf([...rows, { ...rows[0], id: '9', text: 'added later' } as (typeof rows)[number]]));
    const writesBefore = env.sim.state.counters.snapshot().notesCreated;
    const error = await rejection(runImport(env.config, options()), ConfigError);
    expect(error.problems[0]).toMatch(/^checkpoint: input .*notes\.csv: content changed \(\d+ bytes then, \d+ now\) since this import started$/);
    expect(error.message).toContain('--force');
    expect(env.sim.state.counters.snapshot().notesCreated).toBe(writesBefore);
  });

  it('names each changed setting; --force goes on, says so, and makes the new settings the reference', async () => {
    const rows = generateRows(1, 2, () => ({ conversation: 602 }));
    env = await importEnv(rows, { conversations: [{ id: 602 }] });
    await runImport(env.config, options());
    const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { policy: Record<string, string> };
    const changed = validateConfig({ ...raw, policy: { ...raw.policy, tooOld: 'reject' } }, env.configPath);
    const error = await rejection(runImport(changed, options()), ConfigError);
    expect(error.problems[0]).toBe('checkpoint: policy.tooOld: was "continue", now "reject" since this import started');

    notices.length = 0;
    const forced = await runImport(changed, options({ force: true }));
    expect(forced.counts.doneBefore).toBe(2);
    expect(notices.join('\n')).toContain('resuming with --force despite: policy.tooOld');
    // The next resume with the same changed config is the same import now.
    await expect(runImport(changed, options())).resolves.toMatchObject({ counts: { done: 2 } });
    await expect(runImport(env.config, options())).rejects.toThrow('policy.tooOld: was "reject", now "continue"');
  });
});

describe('a log cut short by a crash', () => {
  it('drops the torn last line with a warning, finds the note it was about in Help Scout, and sends nothing again', async () => {
    const rows = generateRows(1, 3, () => ({ conversation: 603 }));
    env = await importEnv(rows, { conversations: [{ id: 603 }] }, { target: { concurrency: 1 } });
    await runImport(env.config, options());
    const lines = logLines();
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/^\{"t":"done","step":"note:T0:2"/);
    // The crash hit while the last `done` was half written.
    truncateSync(env.config.checkpoint, Buffer.byteLength(lines.join('\n')) - Math.floor(last.length / 2));

    notices.length = 0;
    const resumed = await runImport(env.config, options());
    expect(notices).toContain(`checkpoint line ${lines.length} was cut short by a crash and is ignored`);
    expect(resumed.counts).toMatchObject({ done: 3, reconciledAtStart: 1 });
    expect(resumed.requests.writes).toBe(0);
    expectEveryNoteExactlyOnce(env.sim, rows);
    expect(logLines().every((l) => JSON.parse(l) !== null)).toBe(true);
  });
});

describe('an in-doubt Create Conversation', () => {
  it('shows as in doubt in status (offline), then is found by its tag once reconcileAfterSeconds have passed, not created again', async () => {
    const rows = [...generateRows(1, 2).map((r) => ({ ...r, ticket: 'NEW', text: `${r.text} (new)` })), ...generateRows(1, 2, () => ({ conversation: 604 }))];
    env = await importEnv(rows, { conversations: [{ id: 604 }] }, { target: { reconcileAfterSeconds: 1 } });
    await runImport(env.config, options());
    expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(1);
    // As if killed after Help Scout stored the conversation, before the 201 was read: a fresh intent, no done.
    const intentAt = Date.now();
    const kept = logLines()
      .filter((l) => !l.startsWith('{"t":"done","step":"create:'))
      .map((l) => (l.startsWith('{"t":"intent","step":"create:') ? JSON.stringify({ ...(JSON.parse(l) as object), at: intentAt }) : l));
    writeFileSync(env.config.checkpoint, kept.join('\n') + '\n');

    const requestsBefore = env.sim.state.counters.snapshot().requests;
    const status = importStatus(env.config);
    expect(env.sim.state.counters.snapshot().requests).toEqual(requestsBefore);
    expect(status).toMatchObject({ done: 2, inDoubt: 2, left: 0, byKind: { existing: { done: 2, inDoubt: 0, left: 0 }, new: { done: 0, inDoubt: 2, left: 0 } } });

    const lookups: number[] = [];
    const resumed = await runImport(env.config, options({ onRequest: (e) => { if (e.path.includes('tag=')) lookups.push(Date.now() - e.ms); } }));
    expect(resumed.counts).toMatchObject({ done: 4, inDoubt: 0, reconciledAtStart: 2 });
    expect(lookups.length).toBeGreaterThan(0);
    // Not before the killed run's request could have landed (timer granularity aside).
    expect(Math.min(...lookups)).toBeGreaterThanOrEqual(intentAt + 1000 - 20);
    expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(1);
    expectEveryNoteExactlyOnce(env.sim, rows);
    expect(importStatus(env.config).byKind.new).toEqual({ done: 2, rejected: 0, inDoubt: 0, left: 0 });
  });
});

describe('one run per checkpoint', () => {
  it('refuses a second run while one holds the lock: FatalError locked, exit 3 from the CLI, nothing sent', { timeout: 60_000 }, async () => {
    env = await importEnv(generateRows(1, 2, () => ({ conversation: 605 })), { conversations: [{ id: 605 }] });
    mkdirSync(dirname(env.config.checkpoint), { recursive: true });
    const held = acquireLock(`${env.config.checkpoint}.lock`);
    try {
      const error = await rejection(runImport(env.config, options()), FatalError);
      expect(error.code).toBe('locked');
      const exit = await spawnCli(['run', '--config', env.configPath]).exit;
      expect(exit.code).toBe(3);
      expect(exit.stderr).toContain(`another run holds the checkpoint (pid ${process.pid}`);
      expect(env.sim.state.counters.snapshot().requests).toEqual({});
    } finally {
      held.release();
    }
  });

  it('takes over a stale lock left by a killed run, with a notice', async () => {
    env = await importEnv(generateRows(1, 2, () => ({ conversation: 606 })), { conversations: [{ id: 606 }] });
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    mkdirSync(dirname(env.config.checkpoint), { recursive: true });
    writeFileSync(`${env.config.checkpoint}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2024-01-01T00:00:00.000Z' }));
    notices.length = 0;
    const result = await runImport(env.config, options());
    expect(notices).toContain(`took over a stale lock of pid ${deadPid} (started 2024-01-01T00:00:00.000Z, no longer running)`);
    expect(result.counts.done).toBe(2);
  });
});

describe('per-note results of the library', () => {
  it('says moved for a note that followed a merge, and in-doubt for one whose writes never got an answer', { timeout: 60_000 }, async () => {
    const rows = [...generateRows(1, 1, () => ({ conversation: 607 })), ...generateRows(1, 1, () => ({ conversation: 608 })).map((r) => ({ ...r, ticket: 'M', text: 'merged one' }))];
    env = await importEnv(rows, { conversations: [{ id: 607 }, { id: 609 }, { id: 608, mergedInto: 609 }] });
    // Every write is cut off before it is stored: the run cannot tell, so the notes stay in doubt.
    await fetch(`${env.sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ faults: { seed: 1, resetRate: 1, on: 'writes' } }) });
    const doubtful = await runImport(env.config, options());
    const first = new Map([...doubtful.results()].map((r) => [r.key, r]));
    expect(first.get('T0:0')).toMatchObject({ status: 'in-doubt' });
    expect(doubtful.counts.inDoubt).toBe(2);
    expect(importStatus(env.config).inDoubt).toBe(2);

    await fetch(`${env.sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ faults: { resetRate: 0 } }) });
    const settled = await runImport(env.config, options());
    const results = new Map([...settled.results()].map((r) => [r.key, r]));
    expect(results.get('T0:0')).toMatchObject({ status: 'done', conversation: 607 });
    expect(results.get('M:0')).toMatchObject({ status: 'moved', from: 608, conversation: 609 });
    expect(logLines().filter((l) => l.startsWith('{"t":"moved"')).map((l) => JSON.parse(l) as object)).toContainEqual(expect.objectContaining({ from: 608, to: 609 }));
    expect([...env.sim.state.conversations.values()].flatMap((c) => c.threads.filter((t) => t.imported).map((t) => `${c.id}:${t.body}`)).sort()).toEqual(['607:body of T0 note 0', '609:merged one']);
  });
});

describe('a 201 without the ids it should carry', () => {
  it('leaves the Create Conversation in doubt (not aborted), and the next run finds it by its tag instead of creating it again', async () => {
    const rows = generateRows(1, 2).map((r) => ({ ...r, ticket: 'NEW' }));
    env = await importEnv(rows);
    const proxy = new KillProxy(env.sim.url);
    await proxy.start();
    try {
      proxy.answerHeaders = (write, headers) => {
        if (!write.create) return headers;
        const { 'resource-id': _id, location: _location, ...rest } = headers;
        return rest;
      };
      const config = { ...env.config, target: { ...env.config.target, baseUrl: proxy.url } };
      const error = await rejection(runImport(config, options()), FatalError);
      expect(error.code).toBe('bad_response');
      expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(1);
      expect(logLines().some((l) => l.startsWith('{"t":"aborted"'))).toBe(false);
      expect(importStatus(env.config).inDoubt).toBe(2);

      proxy.answerHeaders = (_write, headers) => headers;
      const resumed = await runImport(config, options());
      expect(resumed.counts).toMatchObject({ done: 2, reconciledAtStart: 2 });
      expect(env.sim.state.counters.snapshot().conversationsCreated).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
