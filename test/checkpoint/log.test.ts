import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointEvent } from '../../src/checkpoint/events.ts';
import { acquireLock } from '../../src/checkpoint/lock.ts';
import { LogWriter } from '../../src/checkpoint/log-writer.ts';
import { forEachLine, replayCheckpoint } from '../../src/checkpoint/replay.ts';
import { FatalError } from '../../src/core/errors.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-import-checkpoint-'));
  path = join(dir, 'checkpoint.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const header: CheckpointEvent = { t: 'header', v: 1, importId: 'abcd1234', config: 'c', input: 'i', at: '2024-01-01T00:00:00Z' };
const intent = (step: string, key: string): CheckpointEvent => ({ t: 'intent', step, kind: 'add-note', lane: 'conversation:7', keys: [key], conversation: 7, createdAt: '2020-01-01T00:00:00Z', fp: 'x', at: 1 });
const done = (step: string, key: string): CheckpointEvent => ({ t: 'done', step, kind: 'add-note', lane: 'conversation:7', keys: [key], conversation: 7, threads: [1], via: 'ack', at: 2 });

function writeLog(events: readonly CheckpointEvent[]): void {
  const log = new LogWriter(path);
  for (const event of events) log.append(event);
  log.close();
}

function caught(fn: () => unknown): FatalError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FatalError) return error;
    throw error;
  }
  throw new Error('expected a FatalError');
}

describe('replaying the log', () => {
  it('skips done notes and holds every intent without done as in doubt', () => {
    writeLog([header, intent('note:A:1', 'A:1'), done('note:A:1', 'A:1'), intent('note:A:2', 'A:2'), { t: 'intent', step: 'note:A:3', kind: 'add-note', lane: 'conversation:7', keys: ['A:3'], at: 3 }, { t: 'aborted', step: 'note:A:3', reason: 'api_rejected', at: 4 }]);
    const state = replayCheckpoint(path);
    expect(state.doneKeys.size).toBe(1);
    expect(['A:1', 'A:2', 'A:3'].filter((key) => state.doneKeys.has(key))).toEqual(['A:1']);
    expect([...state.inDoubt.keys()]).toEqual(['note:A:2']);
    expect(state.header?.importId).toBe('abcd1234');
    expect(state.events).toBe(6);
  });

  it('reads keys with quotes, backslashes and accents exactly, whether read fast or parsed', () => {
    const odd = ['T"1:\\x', 'Zoë:ünïcode', 'plain:1'];
    writeLog([
      header,
      ...odd.map((key) => intent(`note:${key}`, key)),
      ...odd.map((key) => done(`note:${key}`, key)),
      { t: 'intent', step: 'create:ticket:N', kind: 'create-conversation', lane: 'ticket:N', keys: ['N:1', 'N:"2'], tag: 'hsi-x', mailboxId: 1, part: 1, at: 5 },
    ]);
    const state = replayCheckpoint(path);
    expect(state.doneKeys.size).toBe(odd.length);
    for (const key of odd) expect(state.doneKeys.has(key)).toBe(true);
    expect(state.doneKeys.has('N:1')).toBe(false);
    expect(state.inDoubt.get('create:ticket:N')?.keys).toEqual(['N:1', 'N:"2']);
    expect(state.doneByTarget).toEqual({ existing: 3, new: 0 });
  });

  it('ignores a torn last line with its line number, and the writer cuts it before appending', () => {
    writeLog([header, intent('note:A:1', 'A:1')]);
    appendFileSync(path, JSON.stringify(done('note:A:1', 'A:1')).slice(0, 40));
    const state = replayCheckpoint(path);
    expect(state.tornLine).toBe(3);
    expect(state.doneKeys.size).toBe(0);
    expect([...state.inDoubt.keys()]).toEqual(['note:A:1']);

    writeLog([done('note:A:1', 'A:1')]);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).map((l) => (JSON.parse(l) as { t: string }).t)).toEqual(['header', 'intent', 'done']);
    expect(replayCheckpoint(path).tornLine).toBeUndefined();
  });

  it('refuses a corrupt line that is not the last, naming the line', () => {
    writeLog([header, intent('note:A:1', 'A:1')]);
    appendFileSync(path, '{"t":"done","step":"note:A:1",\n');
    writeLog([done('note:A:2', 'A:2')]);
    const error = caught(() => replayCheckpoint(path));
    expect(error.code).toBe('checkpoint_corrupt');
    expect(error.message).toContain(`${path} line 3 is not valid JSON`);
  });

  it('refuses a line that is JSON but no checkpoint event, naming the line', () => {
    writeFileSync(path, `${JSON.stringify(header)}\nnull\n`);
    expect(caught(() => replayCheckpoint(path)).message).toContain('line 2 is not a checkpoint event');
  });

  it('refuses a second header of another import', () => {
    writeLog([header, { ...header, importId: 'ffff0000' }]);
    expect(caught(() => replayCheckpoint(path)).message).toContain('line 2 starts another import');
  });

  it('refuses a checkpoint path that is a folder', () => {
    mkdirSync(path);
    expect(caught(() => replayCheckpoint(path)).code).toBe('checkpoint_unreadable');
  });

  it('reads a line whose multi-byte characters straddle two read blocks intact', () => {
    const key = 'é'.repeat(40);
    // The first line ends one byte short of the 1 MiB block: the next line's "é"s cross it.
    const filler = 'x'.repeat((1 << 20) - 2);
    writeFileSync(path, `${filler}\n${JSON.stringify(done('s', key))}\n`);
    const lines: string[] = [];
    forEachLine(path, (line) => lines.push(line));
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1] ?? '') as { keys: string[] }).keys).toEqual([key]);
  });
});

describe('the log writer', () => {
  it('has every intent on disk once durable() resolves, and only then', async () => {
    const log = new LogWriter(path, { syncIntervalMs: 60_000 });
    log.append(header);
    log.append(intent('note:A:1', 'A:1'));
    expect(log.unsynced).toBe(2);
    await log.durable();
    expect(log.unsynced).toBe(0);
    log.append(done('note:A:1', 'A:1'));
    expect(log.unsynced).toBe(1);
    log.close();
    expect(replayCheckpoint(path).doneKeys.has('A:1')).toBe(true);
  });

  it('shares one fdatasync among the appends waiting at the same time (group commit)', async () => {
    const log = new LogWriter(path, { syncIntervalMs: 60_000 });
    const waits = ['1', '2', '3', '4'].map((n) => {
      log.append(intent(`note:A:${n}`, `A:${n}`));
      return log.durable();
    });
    await Promise.all(waits);
    expect(log.unsynced).toBe(0);
    log.close();
    expect(replayCheckpoint(path).inDoubt.size).toBe(4);
  });

  it('covers an intent appended while an earlier fdatasync runs before its durable() resolves', async () => {
    const log = new LogWriter(path, { syncIntervalMs: 60_000 });
    log.append(intent('note:A:1', 'A:1'));
    const first = log.durable().then(() => log.unsynced);
    // The first fdatasync starts at the end of this turn; the second intent comes after it started.
    await new Promise((resolve) => setImmediate(resolve));
    log.append(intent('note:A:2', 'A:2'));
    const second = log.durable().then(() => log.unsynced);
    // When each resolves, at most what was appended after it may still be unsynced.
    expect(await first).toBeLessThanOrEqual(1);
    expect(await second).toBe(0);
    log.close();
  });

  it('stops with checkpoint_unwritable when the log cannot be opened for writing', () => {
    mkdirSync(path);
    const error = caught(() => new LogWriter(path));
    expect(error.code).toBe('checkpoint_unwritable');
    expect(error.message).toContain(path);
  });
});

describe('the lock', () => {
  it('refuses a second run while the first holds it, naming the holder', () => {
    const lock = acquireLock(`${path}.lock`);
    try {
      const error = caught(() => acquireLock(`${path}.lock`));
      expect(error.code).toBe('locked');
      expect(error.message).toContain(`pid ${process.pid} on ${hostname()}`);
    } finally {
      lock.release();
    }
    acquireLock(`${path}.lock`).release();
  });

  it('takes over the lock of a process that is gone, and says so', () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout.trim());
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2024-01-01T00:00:00.000Z' }));
    const lock = acquireLock(`${path}.lock`);
    expect(lock.takeover).toContain(`stale lock of pid ${deadPid}`);
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
  });

  it('does not take over a lock held on another host (its pid cannot be checked from here)', () => {
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 999_999, host: 'other-host', startedAt: '2024-01-01T00:00:00.000Z' }));
    expect(caught(() => acquireLock(`${path}.lock`)).message).toContain('pid 999999 on other-host');
  });
});
