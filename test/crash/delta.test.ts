import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../cli/helpers.ts';
import { csvOf, type NoteRow } from '../helpers/import-env.ts';
import { CRASH_SEED, crashEnv, crashRows, crashUntilDone, expectEveryNoteExactlyOnce } from './scenario.ts';

/**
 * The newer export: the same ids, one note edited and one dropped at the source, new notes on
 * old tickets (a new ticket of the first export gets enough to overflow its conversation), on
 * the existing conversations, and two tickets never seen.
 */
function newerExport(first: readonly NoteRow[]): { rows: NoteRow[]; edited: NoteRow; added: NoteRow[] } {
  const [edited, dropped] = first.filter((r) => r.conversation === undefined);
  if (!edited || !dropped) throw new Error('the first export has no new tickets');
  const base = Date.UTC(2014, 0, 1);
  const more = (ticket: string, count: number, extra: Partial<NoteRow>): NoteRow[] =>
    Array.from({ length: count }, (_, i) => ({
      ticket,
      id: `d${i}`,
      createdAt: new Date(base + i * 60_000).toISOString().replace('.000Z', 'Z'),
      text: `delta ${ticket} ${i}`,
      customerEmail: `${ticket.toLowerCase()}@example.com`,
      ...extra,
    }));
  const newTickets = [...new Set(first.filter((r) => r.conversation === undefined).map((r) => r.ticket))];
  const added = [
    ...newTickets.flatMap((ticket, i) => more(ticket, i === 0 ? 100 : 1, {})),
    ...[0, 1, 3].flatMap((i) => more(`E${i}`, 2, { conversation: 201 + i })),
    ...more('NEW1', 2, {}),
    ...more('NEW2', 1, {}),
  ];
  const kept = first.filter((r) => r !== dropped).map((r) => (r === edited ? { ...r, text: `${r.text} (edited)` } : r));
  return { rows: [...kept, ...added], edited, added };
}

describe('a delta after a crashed first run, itself killed again and again', () => {
  it('lands every note of both exports exactly once, known tickets in their chains, and the id map says where', { timeout: 300_000 }, async () => {
    const first = crashRows();
    const faults = { seed: 5, latencyMs: 5, jitterMs: 25, lostResponseRate: 0.1, on: 'writes' as const };
    const env = await crashEnv(first, { ...CRASH_SEED, faults });
    try {
      expect((await crashUntilDone(env, 4, 5)).kills).toBe(4);
      const conversationOf = (text: string): number | undefined => [...env.sim.state.conversations.values()].find((c) => c.threads.some((t) => t.imported && t.body === text))?.id;
      const newer = newerExport(first);
      // Agents answered in the conversation of the ticket that will overflow.
      const overflowing = newer.added[0]?.ticket ?? '';
      const itsConversation = conversationOf(first.find((r) => r.ticket === overflowing)?.text ?? '') ?? -1;
      const agent = await fetch(`${env.sim.url}/__sim/add-threads`, { method: 'POST', body: JSON.stringify({ conversation: itsConversation, count: 3, type: 'message' }) });
      expect(agent.status).toBe(201);

      writeFileSync(join(env.dir, 'notes.csv'), csvOf(newer.rows));
      expect((await crashUntilDone(env, 4, 6, ['--delta'])).kills).toBe(4);

      // Both exports, the edited note as first imported (never sent again), the dropped one kept.
      const landed = [...first, ...newer.added];
      expectEveryNoteExactlyOnce(env.sim, landed);
      expect(conversationOf(`${newer.edited.text} (edited)`)).toBeUndefined();
      // Known tickets go on in their conversation; only the overflowing one has a continuation,
      // and it filled its conversation first: to 99 threads (Help Scout takes none past), the link note included.
      for (const ticket of new Set(newer.added.map((r) => r.ticket))) {
        const earlier = first.find((r) => r.ticket === ticket);
        if (!earlier) continue;
        const home = conversationOf(earlier.text);
        const places = newer.added.filter((r) => r.ticket === ticket).map((r) => conversationOf(r.text));
        if (ticket !== overflowing) expect(places.every((c) => c === home), `${ticket} stays in ${home ?? '?'}`).toBe(true);
      }
      const home = env.sim.state.conversations.get(itsConversation);
      expect(home?.threads).toHaveLength(99);
      // The id map: every note of both exports, in the conversation the simulator holds it in.
      const idMap = csvRecords(readFileSync(join(env.config.reports, 'id-map.csv'), 'utf8'));
      const mapped = new Map(idMap.map((r) => [`${r.ticket ?? ''}:${r.note ?? ''}`, Number(r.conversation)]));
      expect(mapped).toEqual(new Map(landed.map((r) => [`${r.ticket}:${r.id}`, conversationOf(r.text)])));
      expect(env.sim.state.counters.snapshot().threadsNotImported).toBe(0);
    } finally {
      await env.close();
    }
  });
});
