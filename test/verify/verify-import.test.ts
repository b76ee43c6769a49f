import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { landedNotes } from '../../src/checkpoint/landed.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { writeVerifyReport } from '../../src/report/verify-report.ts';
import { verifyImport } from '../../src/verify/verify-import.ts';
import { csvRecords } from '../cli/helpers.ts';
import { csvOf, ENV, importEnv, type ImportEnv } from '../helpers/import-env.ts';
import { control, landed, rows, seed, threadWith, writesIn } from './helpers.ts';

describe('verifyImport against the simulator', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('a clean import: every note found once, with GETs only: one Get Conversation per conversation and every page of its threads', async () => {
    // 60 older threads in 13: E:1, the oldest of its 61, is on List Threads' second page.
    env = await importEnv(rows, { conversations: [...seed.conversations.filter((c) => c.id !== 13), { id: 13, threads: 60 }] });
    expect((await runImport(env.config, { env: ENV })).counts.done).toBe(8);
    const before = env.sim.state.counters.snapshot();
    const result = await verifyImport(env.config, { env: ENV });
    const after = env.sim.state.counters.snapshot();

    expect(result.ok).toBe(true);
    expect(result.notes).toEqual({ landed: 8, inSample: 8, checked: 8, found: 8, missing: 0, duplicated: 0, unverifiable: 0 });
    expect(result.conversations).toEqual({ named: 4, checked: 4, gone: 0, merged: 0 });
    expect(result.unmatchedThreads).toBe(0);
    // Nothing was written: no note, no conversation, no POST of any kind but the token's.
    expect(writesIn(after)).toEqual(writesIn(before));
    expect([after.notesCreated, after.conversationsCreated]).toEqual([before.notesCreated, before.conversationsCreated]);
    expect(result.requests).toMatchObject({ writes: 0, lookups: 4, mergeHops: 0, threadPages: 5, bound: 9, requests: 9, reads: 9 });
    const gets = (endpoint: string): number => (after.requests[endpoint]?.['200'] ?? 0) - (before.requests[endpoint]?.['200'] ?? 0);
    expect(gets('GET /v2/conversations/{id}') + gets('GET /v2/conversations/{id}/threads')).toBe(result.requests.requests);
  });

  it('learns the thread ids of the created conversation\'s notes once: found events, then the id map', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    expect(landed(env, 'D:1').thread).toBeUndefined();
    const first = await verifyImport(env.config, { env: ENV });
    expect(first.learnedThreads).toBe(2);
    expect(landed(env, 'D:1').thread).toBe(threadWith(env, 'D one').thread);
    expect(landed(env, 'D:2').thread).toBe(threadWith(env, 'D two').thread);
    writeVerifyReport(env.config.reports, first);
    const map = csvRecords(readFileSync(join(env.config.reports, 'id-map.csv'), 'utf8'));
    expect(map.find((r) => r.ticket === 'D' && r.note === '2')?.thread).toBe(String(threadWith(env, 'D two').thread));
    expect(map.every((r) => r.thread !== '')).toBe(true);
    // Known now: the next verify checks them by id and learns nothing new.
    const second = await verifyImport(env.config, { env: ENV });
    expect(second.learnedThreads).toBe(0);
    expect(second.ok).toBe(true);
    const found = readFileSync(env.config.checkpoint, 'utf8').split('\n').filter((line) => line.startsWith('{"t":"found"'));
    expect(found).toHaveLength(1);
  });

  it('a deleted thread is missing and a copied one duplicated, named by ticket:note; a stray imported thread is unmatched', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    const a2 = landed(env, 'A:2');
    const b1 = landed(env, 'B:1');
    await control(env, 'delete-thread', { conversation: a2.conversation, thread: a2.thread });
    await control(env, 'copy-thread', { conversation: b1.conversation, thread: b1.thread });
    // The created conversation's notes have no thread id: found, or not, by createdAt and text.
    const d2 = threadWith(env, 'D two');
    await control(env, 'delete-thread', d2);
    const d1 = threadWith(env, 'D one');
    await control(env, 'copy-thread', d1);
    const conversation13 = env.sim.state.conversations.get(13);
    if (!conversation13) throw new Error('no conversation 13');
    const stray = env.sim.state.addThread(conversation13, { type: 'note', status: 'closed', body: 'not ours', createdAtMs: Date.UTC(2023, 0, 6), imported: true, createdBy: { id: 1, type: 'user' }, attachments: [] });

    const result = await verifyImport(env.config, { env: ENV });
    expect(result.ok).toBe(false);
    expect(result.notes).toMatchObject({ checked: 8, found: 4, missing: 2, duplicated: 2, unverifiable: 0 });
    // In the order the log landed them: the created conversation's first.
    expect([...result.missing()]).toEqual([
      { key: 'D:2', conversation: d2.conversation, reason: 'no_matching_thread' },
      { key: 'A:2', conversation: 11, reason: 'thread_gone' },
    ]);
    expect([...result.duplicated()].map((n) => [n.key, n.copies])).toEqual([
      ['D:1', 2],
      ['B:1', 2],
    ]);
    expect([...result.unmatched()]).toEqual([{ conversation: 13, thread: stray.id }]);
    // A duplicated note's thread is not learned: which copy is the import's is unknown.
    expect(result.learnedThreads).toBe(0);
  });

  it('follows a merged conversation and finds its notes where they are now, listing the merged conversation once', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    await control(env, 'merge', { from: 12, into: 11 });
    const result = await verifyImport(env.config, { env: ENV });
    expect(result.ok).toBe(true);
    expect(result.notes.found).toBe(8);
    expect(result.conversations).toMatchObject({ checked: 4, merged: 1, gone: 0 });
    // B's notes in 11 are not A's unmatched threads, nor the other way round.
    expect(result.unmatchedThreads).toBe(0);
    // 4 lookups + 1 hop (12 → 301 → 11), and 11 listed once for A's and B's notes.
    expect(result.requests).toMatchObject({ lookups: 4, mergeHops: 1, threadPages: 3, requests: 8, bound: 8 });
  });

  it('a conversation gone (404, no merge to follow): its notes are missing, conversation_gone', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    env.sim.state.conversations.delete(13);
    const result = await verifyImport(env.config, { env: ENV });
    expect(result.ok).toBe(false);
    expect([...result.missing()]).toEqual([{ key: 'E:1', conversation: 13, reason: 'conversation_gone' }]);
    expect(result.conversations.gone).toBe(1);
    expect(result.notes).toMatchObject({ found: 7, missing: 1 });
  });

  it('a note without thread id that a newer export dropped is unverifiable, named', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    writeFileSync(env.config.source.path, csvOf(rows.filter((r) => !(r.ticket === 'D' && r.id === '2'))));
    const result = await verifyImport(env.config, { env: ENV });
    expect([...result.unverifiable()]).toEqual([{ key: 'D:2', conversation: landed(env, 'D:2').conversation }]);
    expect(result.notes).toMatchObject({ checked: 7, found: 7, unverifiable: 1 });
    // Not proven either way: reported, and no failure of what was checked.
    expect(result.ok).toBe(true);
  });

  it('--sample N checks N conversations, the same ones every time', async () => {
    env = await importEnv(rows, seed);
    await runImport(env.config, { env: ENV });
    const keysChecked = async (): Promise<number[]> => {
      const seen: number[] = [];
      const result = await verifyImport(env.config, { env: ENV, sample: 2, onRequest: (e) => { if (/^\/v2\/conversations\/\d+$/.test(e.path)) seen.push(Number(e.path.split('/').pop())); } });
      expect(result.conversations).toMatchObject({ named: 4, checked: 2 });
      expect(result.sample).toEqual({ conversations: 2, seed: 0x5eedc0de });
      return seen.sort((a, b) => a - b);
    };
    const first = await keysChecked();
    expect(first).toHaveLength(2);
    expect(await keysChecked()).toEqual(first);
  });

  it('nothing imported yet: no checkpoint, or a checkpoint that records no landed note, is a ConfigError saying to run first', async () => {
    env = await importEnv(rows, seed);
    await expect(verifyImport(env.config, { env: ENV })).rejects.toThrow(/nothing imported yet.*run `hs-import run` first/);
    await expect(verifyImport(env.config, { env: ENV })).rejects.toBeInstanceOf(ConfigError);
    const nowhere = await importEnv([{ ticket: 'X', id: '1', createdAt: '2023-01-01T10:00:00Z', text: 'x', conversation: 999 }], seed);
    try {
      expect((await runImport(nowhere.config, { env: ENV })).counts.rejected).toBe(1);
      expect([...landedNotes(nowhere.config.checkpoint)]).toEqual([]);
      await expect(verifyImport(nowhere.config, { env: ENV })).rejects.toThrow(/records no landed note/);
    } finally {
      await nowhere.close();
    }
  });
});
