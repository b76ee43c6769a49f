import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointEvent, IntentEvent } from '../../src/checkpoint/events.ts';
import { replayCheckpoint } from '../../src/checkpoint/replay.ts';
import { INTENTS_AHEAD } from '../../src/deliver/lane-runner.ts';
import { reconcileNotes } from '../../src/deliver/reconcile.ts';
import { textFingerprint } from '../../src/deliver/fingerprint.ts';
import { HelpScoutClient } from '../../src/helpscout/client.ts';
import { Credentials } from '../../src/helpscout/credentials.ts';
import { poolTransport } from '../../src/helpscout/transport.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { CREDENTIALS, ENV, expectExactlyOnceInOrder, fillMidRun, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
let client: HelpScoutClient | undefined;
afterEach(async () => {
  await client?.close();
  await env?.close();
  client = env = undefined;
});

function events(e: ImportEnv): CheckpointEvent[] {
  return readFileSync(e.config.checkpoint, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CheckpointEvent);
}

/** The log's intents and dones as runs of one letter: "I16 D16 I8 D8". */
function runsOf(log: readonly CheckpointEvent[]): string {
  const letters = log.filter((e) => e.t === 'intent' || e.t === 'done').map((e) => (e.t === 'intent' ? 'I' : 'D'));
  const runs: string[] = [];
  for (let i = 0; i < letters.length; ) {
    let j = i;
    while (letters[j] === letters[i]) j++;
    runs.push(`${letters[i] ?? ''}${j - i}`);
    i = j;
  }
  return runs.join(' ');
}

describe("a lane's notes logged ahead", () => {
  it(`logs the notes into one conversation ${INTENTS_AHEAD} at a time, each intent before its request`, async () => {
    const notes = 2 * INTENTS_AHEAD + 5;
    env = await importEnv(generateRows(1, notes, () => ({ conversation: 7 })), { conversations: [{ id: 7 }] });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts.done).toBe(notes);
    expectExactlyOnceInOrder(env, notes);
    const log = events(env);
    expect(runsOf(log)).toBe(`I${INTENTS_AHEAD} D${INTENTS_AHEAD} I${INTENTS_AHEAD} D${INTENTS_AHEAD} I5 D5`);
    // Every done follows its own intent, and the notes went out in the order they were logged.
    const intents = log.filter((e): e is IntentEvent => e.t === 'intent').map((e) => e.step);
    const dones = log.filter((e) => e.t === 'done').map((e) => (e.t === 'done' ? e.step : ''));
    expect(dones).toEqual(intents);
  });

  it('a lane re-planned mid-way aborts the notes it logged ahead and did not send: nothing is left in doubt', async () => {
    env = await importEnv(generateRows(1, 30, () => ({ conversation: 7 })), { conversations: [{ id: 7, threads: 10, customerEmail: 'p@example.com' }] });
    const e = env;
    // Someone else fills the conversation while the first batch is being sent: a 412 re-plans the lane.
    const fill = fillMidRun(e, 7, 3);
    const result = await runImport(e.config, fill.options);
    expect(fill.filled()).toBe(true);
    expect(result.counts).toMatchObject({ done: 30, inDoubt: 0 });
    expectExactlyOnceInOrder(e, 30);
    const notSent = events(e).filter((ev) => ev.t === 'aborted' && ev.reason === 'not_sent');
    expect(notSent.length).toBeGreaterThan(0);
    expect(replayCheckpoint(e.config.checkpoint).inDoubt.size).toBe(0);
  });
});

describe('reconciling several notes of one conversation', () => {
  it('matches two notes with the same date and text to two threads, with one listing, and finds the unsent one absent', async () => {
    env = await importEnv([], { conversations: [{ id: 7 }] });
    client = new HelpScoutClient({ transport: poolTransport(env.sim.url), credentials: new Credentials(CREDENTIALS.appId, CREDENTIALS.appSecret), rate: { units: 100_000, windowMs: 60_000 } });
    const createdAt = '2015-03-01T10:00:00Z';
    const note = { text: 'Thanks, that fixed it.', imported: true as const, createdAt };
    const first = await client.createNote(7, note);
    const second = await client.createNote(7, note);
    const intent = (step: string, text: string): IntentEvent => ({ t: 'intent', step, kind: 'add-note', lane: 'L', keys: [step], conversation: 7, createdAt, fp: textFingerprint(text), at: 0 });
    const before = client.stats.reads;
    const results = await reconcileNotes(client, 7, [intent('a', note.text), intent('b', note.text), intent('c', 'never sent')], new Set());
    // Help Scout lists newest first: which of the twins each gets does not matter, that both are found does.
    expect(results.map((r) => r.kind)).toEqual(['landed', 'landed', 'absent']);
    const threads = results.flatMap((r) => (r.kind === 'landed' ? (r.threads ?? []) : []));
    expect(threads.sort()).toEqual([first.threadId, second.threadId].sort());
    // One GET of the conversation (it may have moved) and one page of threads.
    expect(client.stats.reads - before).toBe(2);
  });
});
