import { afterEach, describe, expect, it } from 'vitest';
import { planImport } from '../../src/pipeline/plan-import.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { idMapLines } from '../../src/report/id-map.ts';
import { verifyImport } from '../../src/verify/verify-import.ts';
import type { SimConversation } from '../../src/simulator/index.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asConversation, csvOf, ENV, expectExactlyOnceInOrder, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

/** Existing conversation of ticket `t` in these tests. */
const existingId = (t: number): number => 1000 + t;

function seedFor(tickets: number): { conversations: { id: number; threads: number; subject: string; customerEmail: string; tags: string[] }[] } {
  return { conversations: Array.from({ length: tickets }, (_, t) => ({ id: existingId(t), threads: 3, subject: `Ticket ${t}`, customerEmail: `customer${t}@example.com`, tags: ['vip'] })) };
}

/** The conversations the import created for existing conversation `id` (its side conversations). */
function sidesOf(e: ImportEnv, original: SimConversation): SimConversation[] {
  return [...e.sim.state.conversations.values()].filter((c) => c.id !== original.id && (c.subject === `History: ${original.subject}` || c.subject.startsWith(`History: ${original.subject} (part `))).sort((a, b) => a.id - b.id);
}

describe('existing conversations with policy.existing "side"', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('puts 200 conversations × 40 notes into linked side conversations: 1 lookup, 1 create and 1 link note each, every note once, oldest first', async () => {
    const tickets = 200;
    env = await importEnv(generateRows(tickets, 40, (t) => ({ conversation: existingId(t) })), seedFor(tickets), { target: { users: 'none' }, policy: { existing: 'side' } });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: tickets * 40, rejected: 0, inDoubt: 0, left: 0 });
    expect(result.requests.requests).toBeLessThanOrEqual(tickets * 3);
    expectExactlyOnceInOrder(env, tickets * 40);
    for (let t = 0; t < tickets; t++) {
      const original = env.sim.state.conversations.get(existingId(t)) as SimConversation;
      const [side, ...more] = sidesOf(env, original);
      expect(more).toEqual([]);
      if (side === undefined) throw new Error(`no side conversation for ${original.id}`);
      const notes = side.threads.filter((th) => th.body.startsWith('body of '));
      expect(notes.map((th) => th.body)).toEqual(Array.from({ length: 40 }, (_, n) => `body of T${t} note ${n}`));
      expect(side).toMatchObject({ mailboxId: original.mailboxId, status: 'closed', imported: true });
      expect(side.customer.email).toBe(original.customer.email);
      expect(side.threads[0]?.body).toContain(`conversation ${original.id}`);
      // The original: its own 3 threads, and one note pointing at the side conversation, with how many and when.
      const added = original.threads.filter((th) => th.imported);
      expect(added).toHaveLength(1);
      expect(added[0]?.body).toContain(`conversation ${side.id}`);
      expect(added[0]?.body).toContain('40 imported messages');
    }
    // The id map names the side conversation, and the conversation the history belongs to.
    const idMap = [...idMapLines(result.landed())].join('').trim().split('\n');
    expect(idMap[0]).toBe('ticket,note,conversation,thread,mergedFrom,via');
    const t7 = idMap.filter((line) => line.startsWith('T7,'));
    expect(t7).toHaveLength(40);
    const side7 = sidesOf(env, env.sim.state.conversations.get(existingId(7)) as SimConversation)[0]?.id;
    expect(new Set(t7.map((line) => line.split(',').filter((_, i) => i === 2 || i === 5).join(',')))).toEqual(new Set([`${side7},${existingId(7)}`]));
  });

  it('continues a side conversation past 100 threads and still posts one link note, naming every part', async () => {
    env = await importEnv(generateRows(1, 250, () => ({ conversation: existingId(0) })), seedFor(1), { target: { users: 'none' }, policy: { existing: 'side' } });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 250, rejected: 0 });
    expectExactlyOnceInOrder(env, 250);
    const original = env.sim.state.conversations.get(existingId(0)) as SimConversation;
    const sides = sidesOf(env, original);
    expect(sides.length).toBe(3);
    const links = original.threads.filter((th) => th.imported);
    expect(links).toHaveLength(1);
    for (const side of sides) expect(links[0]?.body).toContain(`conversation ${side.id}`);
  });

  it('with "auto", goes side from policy.sideThreshold notes on, as the plan said', async () => {
    const sizes = [1, 2, 3, 10];
    const rows = sizes.flatMap((n, t) => generateRows(t + 1, n, () => ({ conversation: existingId(t) })).filter((r) => r.ticket === `T${t}`));
    env = await importEnv(rows, seedFor(sizes.length), { target: { users: 'none' }, policy: { existing: 'auto', sideThreshold: 3 } });
    const plan = await planImport(env.config);
    expect(plan.existingModes?.modes.map((m) => [m.mode, m.side, m.writes])).toEqual([
      ['append', 0, 16],
      ['side', 4, 8],
      ['auto', 2, 3 + 4],
    ]);
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 16, rejected: 0 });
    const withSide = sizes.map((_, t) => sidesOf(env, env.sim.state.conversations.get(existingId(t)) as SimConversation).length);
    expect(withSide).toEqual([0, 0, 1, 1]);
    expect(result.requests.writes).toBe(7);
  });

  it('sends a delta\'s new notes for a conversation with a side conversation into that side conversation, with no second side note', async () => {
    const rows = generateRows(2, 12, (t) => ({ conversation: existingId(t) }));
    env = await importEnv(rows.filter((r) => Number(r.id) < 8), seedFor(2), { target: { users: 'none' }, policy: { existing: 'side' } });
    await runImport(env.config, { env: ENV });
    const sidesBefore = [0, 1].map((t) => sidesOf(env, env.sim.state.conversations.get(existingId(t)) as SimConversation).map((c) => c.id));
    writeFileSync(join(env.dir, 'notes.csv'), csvOf(rows));
    const delta = await runImport(env.config, { env: ENV, delta: true });
    expect(delta.counts).toMatchObject({ done: 24, rejected: 0 });
    expectExactlyOnceInOrder(env, 24);
    for (const t of [0, 1]) {
      const original = env.sim.state.conversations.get(existingId(t)) as SimConversation;
      const sides = sidesOf(env, original);
      expect(sides.map((c) => c.id)).toEqual(sidesBefore[t]);
      expect(sides[0]?.threads.filter((th) => th.body.startsWith('body of ')).map((th) => th.body)).toEqual(Array.from({ length: 12 }, (_, n) => `body of T${t} note ${n}`));
      expect(original.threads.filter((th) => th.imported)).toHaveLength(1);
    }
    // verify reads the id map: every note is found in its side conversation.
    const verified = await verifyImport(env.config, { env: ENV });
    expect(verified.ok).toBe(true);
    expect(verified.notes).toMatchObject({ landed: 24, found: 24, missing: 0, duplicated: 0 });
  });

  it('follows a merge: the side note goes to the conversation the original was merged into', async () => {
    env = await importEnv(generateRows(1, 5, () => ({ conversation: 1000 })), { conversations: [{ id: 1000, subject: 'Old', customerEmail: 'customer0@example.com', mergedInto: 2000 }, { id: 2000, subject: 'Survivor', customerEmail: 'customer0@example.com' }] }, { target: { users: 'none' }, policy: { existing: 'side' } });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 5, rejected: 0 });
    const survivor = env.sim.state.conversations.get(2000) as SimConversation;
    const [side] = sidesOf(env, survivor);
    expect(side?.threads.filter((th) => th.body.startsWith('body of '))).toHaveLength(5);
    expect(survivor.threads.filter((th) => th.imported).map((th) => th.body)).toEqual([expect.stringContaining(`conversation ${side?.id ?? 0}`)]);
    expect([...idMapLines(result.landed())].slice(1).map((line) => line.trim().split(',').at(-1))).toEqual(['2000', '2000', '2000', '2000', '2000']);
  });

  it('keeps native thread types in a side conversation: customer threads, replies (listed as messages) and notes', async () => {
    env = await importEnv(asConversation(generateRows(1, 6, () => ({ conversation: existingId(0) }))), seedFor(1), { target: { users: 'none' }, policy: { existing: 'side', threads: 'native' } });
    expect((await runImport(env.config, { env: ENV })).counts).toMatchObject({ done: 6, rejected: 0 });
    const [side] = sidesOf(env, env.sim.state.conversations.get(existingId(0)) as SimConversation);
    expect(side?.threads.filter((th) => th.body.startsWith('body of ')).map((th) => th.type)).toEqual(['customer', 'message', 'note', 'customer', 'message', 'note']);
  });
});
