import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.ts';
import { assumedFacts } from '../../src/plan/facts.ts';
import { largestLanes } from '../../src/plan/largest-lanes.ts';
import { NoteTable } from '../../src/plan/note-table.ts';

/** 400 tickets with 1..25 notes each (many ties), half into existing conversations, shuffled. */
function plannedLanes() {
  const table = new NoteTable();
  const notes: { ticket: number; n: number }[] = [];
  for (let t = 0; t < 400; t++) for (let n = 0; n < 1 + ((t * 7919) % 25); n++) notes.push({ ticket: t, n });
  notes.sort((a, b) => ((a.ticket * 31 + a.n * 17) % 101) - ((b.ticket * 31 + b.n * 17) % 101) || a.ticket - b.ticket || a.n - b.n);
  notes.forEach(({ ticket, n }, i) =>
    table.add({ key: `T${ticket}:${n}`, ticket: `T${ticket}`, conversation: ticket % 2 === 0 ? 10_000 + ticket : undefined, epoch: n, bytes: 100, spoolOffset: 0, spoolLength: 0, line: i + 2, customerEmail: 'c@example.com', subject: undefined }),
  );
  return buildPlan({ table, isSettled: () => false, facts: assumedFacts, options: { importId: 't', mailboxId: 1, overflow: 'continue', maxRequestBytes: 1_000_000 } }).lanes;
}

describe('largest lanes', () => {
  it('are the lanes with the most notes, ties by id: the same as ranking every lane', () => {
    const lanes = plannedLanes();
    const everyLane = [...lanes].sort((a, b) => b.notes.length - a.notes.length || (a.id < b.id ? -1 : 1));
    for (const count of [0, 1, 10, 37, lanes.length + 5]) {
      expect(largestLanes(lanes, count).map((l) => l.id)).toEqual(everyLane.slice(0, count).map((l) => l.id));
    }
  });

  it('counts a lane\'s notes without making the lane', () => {
    const lanes = plannedLanes();
    for (let i = 0; i < lanes.length; i++) expect(lanes.noteCount(i)).toBe(lanes.at(i)?.notes.length);
  });
});
