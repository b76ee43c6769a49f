import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { mulberry32 } from '../../src/simulator/prng.ts';
import type { RunningSimulator, SeedFile, SimThread } from '../../src/simulator/index.ts';
import { asConversation, generateRows, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { KillProxy, spawnCli, type ChildExit, type RequestSeen, type Verdict } from './harness.ts';

export interface CrashEnv extends ImportEnv {
  readonly proxy: KillProxy;
  readonly rows: readonly NoteRow[];
}

/**
 * Existing conversations (one nearly full, so its overflow goes to a continuation with a link
 * note) and tickets without one (Create Conversation), unique bodies, out of order in the file.
 */
export function crashRows(scale = 1): NoteRow[] {
  const existing = [201, 202, 203, 204].flatMap((conversation, i) =>
    generateRows(1, (i === 2 ? 6 : 8) * scale, () => ({ conversation })).map((r) => ({ ...r, ticket: `E${i}`, text: `${r.text} (E${i})` })),
  );
  const fresh = generateRows(6 * scale, 3).map((r) => ({ ...r, ticket: `N${r.ticket}`, text: `${r.text} (new)` }));
  const rows = [...existing, ...fresh];
  // A CSV lists notes in any order: the tool must sort them.
  return rows.map((row, i) => ({ row, k: (i * 7919) % rows.length })).sort((a, b) => a.k - b.k).map(({ row }) => row);
}

export const CRASH_SEED: SeedFile = {
  conversations: [
    { id: 201, customerEmail: 'e1@example.com' },
    { id: 202, threads: 10, customerEmail: 'e2@example.com' },
    { id: 203, threads: 96, customerEmail: 'e3@example.com' },
    { id: 204, customerEmail: 'e4@example.com' },
  ],
};

/** An import env whose config points the CLI at a kill proxy in front of the simulator. */
export async function crashEnv(rows: readonly NoteRow[], seed: SeedFile, target: Record<string, unknown> = {}, policy: Record<string, unknown> = {}): Promise<CrashEnv> {
  const env = await importEnv(rows, seed, { target: { reconcileAfterSeconds: 0.3, concurrency: 4, ...target }, policy });
  const proxy = new KillProxy(env.sim.url);
  await proxy.start();
  const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { target: Record<string, unknown> };
  raw.target.baseUrl = proxy.url;
  writeFileSync(env.configPath, JSON.stringify(raw, null, 2));
  return {
    ...env,
    proxy,
    rows,
    async close() {
      await proxy.close();
      await env.close();
    },
  };
}

export interface CrashStats {
  readonly kills: number;
  /** Runs after the first kill that wrote the spool again (pass 1 must not be redone on resume). */
  readonly spoolRewrites: number;
  /** Kills while a Create Conversation was in flight (sent on, or stored but unanswered). */
  readonly midCreate: number;
  /** The kill points, in the order the runs met them. */
  readonly points: readonly string[];
  readonly runs: number;
}

/** Where one run is killed; each is an event the proxy sees, so no machine outruns it. */
type KillPoint =
  /** The first Create Conversation, stored and unanswered. */
  | { readonly at: 'create' }
  /** The run's nth write, with one of the proxy's verdicts. */
  | { readonly at: 'write'; readonly nth: number; readonly verdict: Exclude<Verdict, 'forward'> }
  /** The first listing that settles a write in doubt (threads of a conversation, a tag search). */
  | { readonly at: 'reconcile' }
  /** The run's nth request of any kind: token, lookups, reconciliation or a write. */
  | { readonly at: 'request'; readonly nth: number };

const WRITE_VERDICTS = ['kill-before', 'kill-in-flight', 'kill-after-commit', 'kill-after-answer'] as const;

/**
 * `kills` kill points drawn from `seed`: the first on a Create Conversation, then rounds that
 * each hold every kind once, in seeded order. A kill during reconciliation always comes right
 * after a kill that left a write in doubt, so the run it targets has something to settle. Each
 * run lands at most 3 writes before its kill, far fewer than the import holds, so every kill
 * point is reached on any machine.
 */
export function killPlan(kills: number, seed: number): KillPoint[] {
  const random = mulberry32(seed);
  const nth = (): number => 1 + Math.floor(random() * 3);
  const plan: KillPoint[] = [{ at: 'create' }, { at: 'reconcile' }];
  while (plan.length < kills) {
    const round: KillPoint[] = [...WRITE_VERDICTS.map((verdict) => ({ at: 'write' as const, nth: nth(), verdict })), { at: 'request', nth: nth() }];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j] as KillPoint, round[i] as KillPoint];
    }
    const doubtful = round.findIndex((p) => p.at === 'write' && p.verdict !== 'kill-after-answer');
    round.splice(doubtful + 1, 0, { at: 'reconcile' });
    plan.push(...round);
  }
  return plan.slice(0, kills);
}

const RECONCILE_LISTING = /\/threads\?|[?&]tag=/;

/** The proxy's verdict on one request of a run that is to be killed at `point`. */
function killerFor(point: KillPoint): (request: RequestSeen) => Verdict {
  let writes = 0;
  let requests = 0;
  return (request) => {
    requests++;
    if (request.write) writes++;
    switch (point.at) {
      case 'create':
        return request.create ? 'kill-after-commit' : 'forward';
      case 'write':
        return request.write && writes === point.nth ? point.verdict : 'forward';
      case 'reconcile':
        return request.method === 'GET' && RECONCILE_LISTING.test(request.path) ? 'kill-before' : 'forward';
      case 'request':
        return requests === point.nth ? 'kill-in-flight' : 'forward';
    }
  };
}

function describePoint(point: KillPoint): string {
  return point.at === 'write' ? `write ${point.nth} ${point.verdict}` : point.at === 'request' ? `request ${point.nth}` : point.at;
}

/**
 * Runs the CLI again and again, SIGKILLing each run at the next point of a seeded kill plan,
 * until every point was met; then one last run to completion.
 */
export async function crashUntilDone(env: CrashEnv, kills: number, seed: number, flags: readonly string[] = []): Promise<CrashStats> {
  const plan = killPlan(kills, seed);
  const points: string[] = [];
  let midCreate = 0;
  let runs = 0;
  let spoolRewrites = 0;
  let spoolAfterFirstKill: string | undefined;
  const checkSpool = (): void => {
    const now = spoolIdentity(env);
    if (spoolAfterFirstKill === undefined) spoolAfterFirstKill = now;
    else if (now !== spoolAfterFirstKill) spoolRewrites++;
  };
  for (const point of plan) {
    runs++;
    const child = spawnCli(['run', '--config', env.configPath, ...flags]);
    env.proxy.arm(child);
    const killer = killerFor(point);
    env.proxy.onRequest = (request) => {
      const verdict = killer(request);
      if (verdict !== 'forward' && request.create) midCreate++;
      return verdict;
    };
    const exit = await child.exit;
    env.proxy.onRequest = () => 'forward';
    // What the killed run sent on has landed (or failed) before the next run looks for it.
    await env.proxy.drained();
    if (exit.signal !== 'SIGKILL') {
      expectCleanExit(exit);
      throw new Error(`run ${runs} finished before its kill point (${describePoint(point)}): the import ran out of work`);
    }
    points.push(describePoint(point));
    checkSpool();
  }
  const last = spawnCli(['run', '--config', env.configPath, ...flags]);
  env.proxy.arm(last);
  expectCleanExit(await last.exit);
  checkSpool();
  return { kills: points.length, spoolRewrites, midCreate, points, runs: runs + 1 };
}

/** The spool file as the file system knows it: a rewrite changes its inode or mtime. */
function spoolIdentity(env: CrashEnv): string {
  const stat = statSync(`${env.config.checkpoint}.spool`);
  return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
}

export function expectCleanExit(exit: ChildExit): void {
  if (exit.code !== 0) throw new Error(`the CLI exited with ${exit.code ?? exit.signal ?? '?'}:\n${exit.stderr}\n${exit.stdout}`);
}

/** Continuation links, a side conversation's back-link, and the one side note in an original (DESIGN §11). */
const LINK_NOTE = /^<p><em>(Imported history continue|\d+ imported messages? of this conversation|The imported history of this conversation)/;
const SIDE_NOTE = /^<p><em>(\d+ imported messages? of this conversation|The imported history of this conversation)/;

/**
 * Checked against the input, not the log: every source note is in Help Scout exactly once, in
 * its conversation (or a continuation the tool created), posted oldest first; nothing else.
 */
export function expectEveryNoteExactlyOnce(sim: RunningSimulator, rows: readonly NoteRow[]): void {
  const where = new Map<string, { conversation: number; thread: SimThread }[]>();
  const created = new Set<number>();
  for (const conversation of sim.state.conversations.values()) {
    if (conversation.tags.some((tag) => tag.startsWith('hsi-'))) created.add(conversation.id);
    for (const thread of conversation.threads) {
      // Notes, customer threads and replies (listed as messages) alike.
      if (!thread.imported) continue;
      let list = where.get(thread.body);
      if (!list) where.set(thread.body, (list = []));
      list.push({ conversation: conversation.id, thread });
    }
  }
  const texts = new Set(rows.map((r) => r.text));
  const foreign = [...where.keys()].filter((body) => !texts.has(body) && !LINK_NOTE.test(body));
  expect(foreign, 'imported notes that are not in the input').toEqual([]);
  const duplicateLinks = [...where].filter(([body, list]) => LINK_NOTE.test(body) && list.length > 1).map(([body]) => body);
  expect(duplicateLinks, 'link notes posted twice').toEqual([]);
  // A resumed side note may word itself differently: at most one per original, whatever it says.
  const sideNotes = [...sim.state.conversations.values()].filter((c) => c.threads.filter((t) => t.imported && SIDE_NOTE.test(t.body)).length > 1).map((c) => c.id);
  expect(sideNotes, 'conversations with more than one side note').toEqual([]);

  const missing = rows.filter((r) => !where.has(r.text)).map((r) => `${r.ticket}:${r.id}`);
  const twice = rows.filter((r) => (where.get(r.text)?.length ?? 0) > 1).map((r) => `${r.ticket}:${r.id} ×${where.get(r.text)?.length ?? 0}`);
  expect(missing, 'input notes missing from Help Scout').toEqual([]);
  expect(twice, 'input notes in Help Scout more than once').toEqual([]);

  const byTicket = new Map<string, { row: NoteRow; conversation: number; thread: SimThread }[]>();
  for (const row of rows) {
    const [place] = where.get(row.text) ?? [];
    if (!place) continue;
    if (row.conversation === undefined) expect(created.has(place.conversation), `${row.ticket}:${row.id} in a created conversation`).toBe(true);
    else expect(place.conversation === row.conversation || created.has(place.conversation), `${row.ticket}:${row.id} in ${row.conversation} or its continuation`).toBe(true);
    let list = byTicket.get(row.ticket);
    if (!list) byTicket.set(row.ticket, (list = []));
    list.push({ row, ...place });
  }
  // Thread ids grow with every write: posting order. It must be the notes' own order.
  for (const [ticket, list] of byTicket) {
    const posted = [...list].sort((a, b) => a.thread.id - b.thread.id).map((p) => p.row.createdAt);
    expect(posted, `ticket ${ticket} posted oldest first`).toEqual([...posted].sort());
  }
  for (const id of created) {
    const conversation = sim.state.conversations.get(id);
    expect(conversation?.threads.some((t) => texts.has(t.body)), `created conversation ${id} holds input notes (no empty duplicate)`).toBe(true);
  }
  for (const conversation of sim.state.conversations.values()) expect(conversation.threads.length).toBeLessThanOrEqual(100);
}

/** Each message is the thread type its kind asks for (a reply is listed as a message). */
function expectThreadTypes(sim: RunningSimulator, rows: readonly NoteRow[]): void {
  const typeOf = new Map<string, string>();
  for (const conversation of sim.state.conversations.values()) for (const t of conversation.threads) if (t.imported) typeOf.set(t.body, t.type);
  const want = { customer: 'customer', reply: 'message', note: 'note' } as const;
  const wrong = rows.filter((r) => typeOf.get(r.text) !== want[(r.kind ?? 'note') as keyof typeof want]).map((r) => `${r.ticket}:${r.id} ${r.kind ?? 'note'} as ${typeOf.get(r.text) ?? 'nothing'}`);
  expect(wrong, 'messages stored as another thread type').toEqual([]);
}

/** Every existing conversation the export names got exactly one side note, and none of the input's notes. */
function expectSideConversations(sim: RunningSimulator, rows: readonly NoteRow[]): void {
  const originals = new Set(rows.map((r) => r.conversation).filter((c) => c !== undefined).map(Number));
  const texts = new Set(rows.map((r) => r.text));
  for (const id of originals) {
    const threads = sim.state.conversations.get(id)?.threads.filter((t) => t.imported) ?? [];
    expect(threads.filter((t) => texts.has(t.body)), `conversation ${id} got no note itself`).toEqual([]);
    expect(threads.filter((t) => SIDE_NOTE.test(t.body)), `conversation ${id} has one side note`).toHaveLength(1);
  }
}

/**
 * The crash test proper: an import with latency and lost-response-after-commit faults, killed
 * `kills` times and run to completion, then checked against its input.
 */
export async function killRepeatedlyAndCheck(options: { seed: number; kills: number; scale?: number; lostResponseRate?: number; threads?: 'native'; existing?: 'side' }): Promise<void> {
  const rows = options.threads === 'native' ? asConversation(crashRows(options.scale)) : crashRows(options.scale);
  const faults = { seed: options.seed, latencyMs: 5, jitterMs: 25, lostResponseRate: options.lostResponseRate ?? 0.1, on: 'writes' as const };
  const policy = { ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.existing === undefined ? {} : { existing: options.existing }) };
  const env = await crashEnv(rows, { ...CRASH_SEED, faults }, {}, policy);
  try {
    const stats = await crashUntilDone(env, options.kills, options.seed);
    expect(stats.kills).toBe(options.kills);
    // Every kill came after pass 1 (kills wait for a request): each resume reused the spool.
    expect(stats.spoolRewrites).toBe(0);
    expect(stats.midCreate).toBeGreaterThanOrEqual(1);
    // Killed before, during and after a commit, after an answer, mid-create, mid-reconciliation.
    const kinds = new Set(stats.points.map((p) => p.replace(/^write \d /, '').replace(/ \d+$/, '')));
    if (options.kills >= 8) expect([...kinds].sort()).toEqual(['create', 'kill-after-answer', 'kill-after-commit', 'kill-before', 'kill-in-flight', 'reconcile', 'request']);
    expectEveryNoteExactlyOnce(env.sim, rows);
    if (options.threads === 'native') expectThreadTypes(env.sim, rows);
    if (options.existing === 'side') expectSideConversations(env.sim, rows);
    // The kills did leave writes in doubt, and the resumed runs found them instead of resending.
    expect(readFileSync(env.config.checkpoint, 'utf8')).toContain('"via":"reconciled"');
    expect(env.sim.state.counters.snapshot().faults.lostResponse).toBeGreaterThan(0);
  } finally {
    await env.close();
  }
}
