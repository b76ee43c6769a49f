import { describe, expect, it } from 'vitest';
import { buildPlan, type PlanInput } from '../../src/plan/build-plan.ts';
import { assumedFacts, type ConversationFacts } from '../../src/plan/facts.ts';
import { NoteTable } from '../../src/plan/note-table.ts';
import type { Plan, Step } from '../../src/plan/plan.ts';

function table(notes: { ticket: string; conversation?: number; epoch: number; bytes?: number; email?: string }[]): NoteTable {
  const t = new NoteTable();
  notes.forEach((n, i) =>
    t.add({ key: `${n.ticket}:${i}`, ticket: n.ticket, conversation: n.conversation, epoch: n.epoch, bytes: n.bytes ?? 100, spoolOffset: 0, spoolLength: 0, line: i + 2, customerEmail: n.email ?? 'c@example.com', subject: `Subject ${n.ticket}` }),
  );
  return t;
}

function plan(t: NoteTable, facts: (id: number) => ConversationFacts = assumedFacts, overrides: Partial<PlanInput['options']> = {}): Plan {
  return buildPlan({ table: t, isSettled: () => false, facts, options: { importId: 'test', mailboxId: 1, overflow: 'continue', maxRequestBytes: 1_000_000, ...overrides } });
}

const existing = (threads: number) => (id: number): ConversationFacts => ({ kind: 'found', requested: id, id, threads, customerEmail: 'c@example.com', subject: 'Original' });
const kinds = (steps: readonly Step[]): string[] => steps.map((s) => (s.kind === 'create-conversation' ? `create(${s.notes.length})` : s.kind));
const notesOf = (n: number, conversation?: number) => Array.from({ length: n }, (_, i) => ({ ticket: 'T', epoch: 1000 + i, ...(conversation === undefined ? {} : { conversation }) }));

describe('capacity of an existing conversation', () => {
  it.each([
    [0, 10, ['add-note', 10]],
    [50, 49, ['add-note', 49]],
    [97, 2, ['add-note', 2]],
    [98, 1, ['add-note', 1]],
  ] as const)('with %i threads takes %i notes directly', (threads, n, [kind, count]) => {
    const p = plan(table(notesOf(n, 7)), existing(threads));
    expect(kinds(p.lanes.at(0)?.steps ?? [])).toEqual(Array(count).fill(kind));
  });

  it('with 97 threads and 5 notes: one note, a link, the rest in a continuation', () => {
    const steps = plan(table(notesOf(5, 7)), existing(97)).lanes.at(0)?.steps ?? [];
    expect(kinds(steps)).toEqual(['add-note', 'create(4)', 'link-note']);
    const create = steps[1];
    expect(create?.kind === 'create-conversation' && create.subject).toBe('Original (continued, part 2)');
    expect(create?.kind === 'create-conversation' && create.backLink).toEqual({ kind: 'conversation', id: 7 });
  });

  it('with 99 threads: nothing direct, everything into a continuation, no link', () => {
    expect(kinds(plan(table(notesOf(3, 7)), existing(99)).lanes.at(0)?.steps ?? [])).toEqual(['create(3)']);
  });

  it('with policy overflow "reject": the notes past capacity are rejected thread_limit', () => {
    const p = plan(table(notesOf(5, 7)), existing(97), { overflow: 'reject' });
    expect(kinds(p.lanes.at(0)?.steps ?? [])).toEqual(['add-note', 'add-note']);
    expect(p.rejects.map((r) => r.reason)).toEqual(['thread_limit', 'thread_limit', 'thread_limit']);
  });

  it('never plans a conversation past 100 threads', () => {
    for (const threads of [0, 1, 50, 97, 98, 99, 120]) {
      const p = plan(table(notesOf(300, 7)), existing(threads));
      const direct = (p.lanes.at(0)?.steps ?? []).filter((s) => s.kind !== 'create-conversation').length;
      expect(threads + direct).toBeLessThanOrEqual(Math.max(99, threads));
      for (const s of p.lanes.at(0)?.steps ?? []) if (s.kind === 'create-conversation') expect(s.notes.length + (s.backLink ? 1 : 0)).toBeLessThanOrEqual(100);
    }
  });
});

describe('new tickets', () => {
  it('a 250-note ticket becomes 3 creates of at most 100 threads, each later part linking back', () => {
    const p = plan(table(notesOf(250)));
    const steps = p.lanes.at(0)?.steps ?? [];
    expect(kinds(steps)).toEqual(['create(100)', 'create(99)', 'create(51)']);
    expect(steps.map((s) => s.kind === 'create-conversation' && s.part)).toEqual([1, 2, 3]);
    expect(steps[2]?.kind === 'create-conversation' && steps[2].backLink).toEqual({ kind: 'step', step: steps[1]?.id });
    expect(p.counts).toMatchObject({ notes: 250, createRequests: 3, continuations: 2 });
  });

  it('a ticket without a customer email is rejected customer_email_missing', () => {
    const p = plan(table([{ ticket: 'X', epoch: 1, email: '' }]));
    expect(p.rejects).toMatchObject([{ reason: 'customer_email_missing' }]);
  });

  it('a create is also bounded by bytes', () => {
    const p = plan(table(notesOf(10).map((n) => ({ ...n, bytes: 30_000 }))), assumedFacts, { maxRequestBytes: 64_000 });
    expect(kinds(p.lanes.at(0)?.steps ?? [])).toEqual(['create(2)', 'create(2)', 'create(2)', 'create(2)', 'create(2)']);
  });
});

describe('ordering and determinism', () => {
  it('orders each lane oldest first, source order breaking ties', () => {
    const t = table([
      { ticket: 'T', conversation: 1, epoch: 30 },
      { ticket: 'T', conversation: 1, epoch: 10 },
      { ticket: 'T', conversation: 1, epoch: 10 },
      { ticket: 'T', conversation: 1, epoch: 20 },
    ]);
    expect([...(plan(t).lanes.at(0)?.notes ?? [])]).toEqual([1, 2, 3, 0]);
  });

  it('gives the same plan for the same input', () => {
    const t = table(Array.from({ length: 500 }, (_, i) => ({ ticket: `T${i % 37}`, epoch: (i * 7919) % 1000, ...(i % 3 === 0 ? { conversation: 1 + (i % 5) } : {}) })));
    const a = plan(t, existing(60));
    const b = plan(t, existing(60));
    expect(JSON.stringify(a, (_k, v: unknown) => (v instanceof Int32Array ? [...v] : v))).toBe(JSON.stringify(b, (_k, v: unknown) => (v instanceof Int32Array ? [...v] : v)));
  });

  it('merged conversations share one lane, with the capacity of the conversation they live in now', () => {
    const t = table([...notesOf(2, 5), ...notesOf(2, 6)]);
    const p = plan(t, (id) => ({ kind: 'found', requested: id, id: 6, threads: 96 }));
    expect(p.lanes).toHaveLength(1);
    expect(kinds(p.lanes.at(0)?.steps ?? [])).toEqual(['add-note', 'add-note', 'create(2)', 'link-note']);
  });
});
