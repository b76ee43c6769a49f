import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { planImport } from '../../src/pipeline/plan-import.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import { writeRunReport } from '../../src/report/run-report.ts';
import { csvRecords } from '../cli/helpers.ts';
import { csvOf, ENV, generateRows, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const options = { env: ENV };

/** The first export: two new tickets and one into an existing conversation. */
function firstExport(): NoteRow[] {
  return [...generateRows(2, 3), ...generateRows(1, 2, () => ({ conversation: 701 })).map((r) => ({ ...r, ticket: 'E0', text: `${r.text} (E0)` }))];
}

/**
 * The newer export of the same desk: same ids, T1:0 edited at the source, T1:2 gone, new notes
 * on old tickets (enough for T0 to overflow its conversation), on the existing conversation, and a
 * ticket never seen.
 */
function newerExport(first: readonly NoteRow[]): NoteRow[] {
  const kept = first.filter((r) => !(r.ticket === 'T1' && r.id === '2')).map((r) => (r.ticket === 'T1' && r.id === '0' ? { ...r, text: 'edited at the source' } : r));
  const more = (ticket: string, from: number, count: number, extra: Partial<NoteRow> = {}): NoteRow[] =>
    Array.from({ length: count }, (_, i) => ({
      ticket,
      id: String(from + i),
      createdAt: new Date(Date.UTC(2013, 0, 1) + (from + i) * 60_000).toISOString().replace('.000Z', 'Z'),
      text: `delta body of ${ticket} note ${from + i}`,
      customerEmail: `${ticket.toLowerCase()}@example.com`,
      subject: `Ticket ${ticket}`,
      ...extra,
    }));
  return [...kept, ...more('T0', 3, 100), ...more('T1', 3, 1), ...more('E0', 2, 1, { conversation: 701 }), ...more('T9', 0, 2)];
}

function writeExport(e: ImportEnv, rows: readonly NoteRow[]): void {
  writeFileSync(join(e.dir, 'notes.csv'), csvOf(rows));
}

/** Where each imported body is in the simulator: conversation ids, once per thread. */
function whereBodies(e: ImportEnv): Map<string, number[]> {
  const where = new Map<string, number[]>();
  for (const c of e.sim.state.conversations.values()) {
    for (const t of c.threads) {
      if (!t.imported) continue;
      where.set(t.body, [...(where.get(t.body) ?? []), c.id]);
    }
  }
  return where;
}

describe('a delta: a newer export against the same checkpoint', () => {
  it('is refused without --delta, with a message that names it', async () => {
    const first = firstExport();
    env = await importEnv(first, { conversations: [{ id: 701 }] });
    await runImport(env.config, options);
    writeExport(env, newerExport(first));
    const error = await runImport(env.config, options).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/--delta/);
  });

  it('skips what landed, lists edited notes, keeps known tickets in their conversations, overflows only past the limit', async () => {
    const first = firstExport();
    env = await importEnv(first, { conversations: [{ id: 701 }] });
    await runImport(env.config, options);
    const before = whereBodies(env);
    const t0Conversation = before.get('body of T0 note 0')?.[0] ?? -1;
    const t1Conversation = before.get('body of T1 note 0')?.[0] ?? -1;
    // Agents answered in Help Scout after the first run: T0's conversation holds 3 + 2 threads.
    const t0 = env.sim.state.conversations.get(t0Conversation);
    expect(t0?.threads).toHaveLength(3);
    const agent = await fetch(`${env.sim.url}/__sim/add-threads`, { method: 'POST', body: JSON.stringify({ conversation: t0Conversation, count: 2, type: 'message' }) });
    expect(agent.status).toBe(201);

    const newer = newerExport(first);
    writeExport(env, newer);
    const planned = await planImport(env.config, { delta: true });
    expect(planned.delta).toMatchObject({ importedBefore: 7, newInKnownTickets: 102, newInNewTickets: 2, changedSinceImport: [{ ticket: 'T1', note: '0' }] });
    const conversationsBefore = env.sim.state.conversations.size;

    const result = await runImport(env.config, { ...options, delta: true });
    expect(result.delta?.changedSinceImport).toEqual([{ ticket: 'T1', note: '0' }]);
    expect(result.counts).toMatchObject({ doneBefore: 7, rejected: 0, inDoubt: 0, left: 0 });
    const where = whereBodies(env);
    // Not one note twice; the edited note is not sent again; the dropped one stays where it was.
    expect([...where].filter(([, at]) => at.length > 1)).toEqual([]);
    expect(where.has('edited at the source')).toBe(false);
    expect(where.get('body of T1 note 2')).toEqual([t1Conversation]);
    // Known tickets go on in their conversations: T1's one new note in T1's conversation (room
    // for 96 more: no continuation), E0's in 701, T0's first 93 in T0's until 99, the rest in one continuation.
    expect(where.get('delta body of T1 note 3')).toEqual([t1Conversation]);
    expect(where.get('delta body of E0 note 2')).toEqual([701]);
    const t0New = Array.from({ length: 100 }, (_, i) => where.get(`delta body of T0 note ${3 + i}`)?.[0]);
    const inT0 = t0New.filter((c) => c === t0Conversation).length;
    expect(inT0).toBe(99 - 5 - 1);
    const continuation = t0New.find((c) => c !== t0Conversation) ?? -1;
    expect(t0New.filter((c) => c === continuation)).toHaveLength(100 - inT0);
    expect(env.sim.state.conversations.get(continuation)?.subject).toMatch(/continued, part 2/);
    // One continuation for T0 and one conversation for T9: nothing else created.
    expect(env.sim.state.conversations.size).toBe(conversationsBefore + 2);
    for (const c of env.sim.state.conversations.values()) expect(c.threads.length).toBeLessThanOrEqual(100);

    // The id map names every note both exports landed, where the simulator holds it.
    writeRunReport(env.config.reports, result);
    const rows = csvRecords(readFileSync(join(env.config.reports, 'id-map.csv'), 'utf8'));
    const landed = [...first, ...newer].filter((r) => r.text !== 'edited at the source');
    const expected = new Map(landed.map((r) => [`${r.ticket}:${r.id}`, String(where.get(r.text)?.[0])]));
    expect(new Map(rows.map((r) => [`${r.ticket ?? ''}:${r.note ?? ''}`, r.conversation]))).toEqual(expected);
    expect(rows.every((r) => r.conversation !== '0' && r.conversation !== '')).toBe(true);
    const threadIds = new Set([...env.sim.state.conversations.values()].flatMap((c) => c.threads.map((t) => String(t.id))));
    expect(rows.filter((r) => r.thread !== '' && !threadIds.has(r.thread ?? ''))).toEqual([]);
    expect(env.sim.state.counters.snapshot().threadsNotImported).toBe(0);
  });

  it('is refused for another mailbox even with --delta (exit 2: another import)', async () => {
    const first = firstExport();
    env = await importEnv(first, { conversations: [{ id: 701 }] });
    await runImport(env.config, options);
    const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { target: Record<string, unknown> };
    raw.target.mailboxId = 2;
    const other = validateConfig(raw, env.configPath);
    const error = await runImport(other, { ...options, delta: true }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/target\.mailboxId: was 1, now 2/);
  });

  it('with no checkpoint yet is an ordinary first import, said in one line', async () => {
    env = await importEnv(firstExport(), { conversations: [{ id: 701 }] });
    const notices: string[] = [];
    const result = await runImport(env.config, { ...options, delta: true, onNotice: (m) => notices.push(m) });
    expect(result.counts.done).toBe(8);
    expect(notices.filter((m) => m.includes('--delta'))).toHaveLength(1);
  });

  it('leaves the id map whole after a second run of the same export (no conversation 0)', async () => {
    env = await importEnv(firstExport(), { conversations: [{ id: 701 }] });
    await runImport(env.config, options);
    const again = await runImport(env.config, options);
    writeRunReport(env.config.reports, again);
    const rows = csvRecords(readFileSync(join(env.config.reports, 'id-map.csv'), 'utf8'));
    expect(rows).toHaveLength(8);
    const where = whereBodies(env);
    for (const row of rows) expect(row.conversation).not.toBe('0');
    expect(rows.find((r) => r.ticket === 'E0')?.conversation).toBe('701');
    expect(new Set(rows.map((r) => r.conversation))).toEqual(new Set([...where.values()].map((at) => String(at[0]))));
  });
});
