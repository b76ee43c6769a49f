import { describe, expect, it } from 'vitest';
import { asDraft, asReject, mapperWith, note } from './helpers.ts';

describe('mapper: authors, kinds, tags and ticket status (DESIGN §8)', () => {
  it('gives a note that says none of them no author email, kind note, no tags, no status and no customer name', () => {
    expect(asDraft(mapperWith()(note()))).toMatchObject({ authorEmail: undefined, kind: 'note', tags: [], ticketStatus: undefined, customerName: undefined });
  });

  it.each([
    ['customer', 'customer'],
    [' Reply ', 'reply'],
    ['NOTE', 'note'],
    ['', 'note'],
    ['  ', 'note'],
  ])('reads kind %j as %s', (kind, expected) => {
    expect(asDraft(mapperWith()(note({ kind }))).kind).toBe(expected);
  });

  it('rejects an unknown kind as invalid_kind, naming the value and the kinds there are', () => {
    expect(asReject(mapperWith()(note({ kind: 'agent', origin: { file: '/export/notes.csv', line: 12 } })))).toMatchObject({
      reason: 'invalid_kind',
      field: 'kind',
      message: 'kind must be customer, reply or note, got "agent"',
      origin: { line: 12 },
      ticket: '123',
      id: '1',
    });
  });

  it.each([
    ['active', 'active'],
    ['Pending', 'pending'],
    [' closed ', 'closed'],
    ['', undefined],
  ])('reads ticketStatus %j as %s', (ticketStatus, expected) => {
    expect(asDraft(mapperWith()(note({ ticketStatus }))).ticketStatus).toBe(expected);
  });

  it('rejects an unknown ticketStatus as invalid_ticket_status, naming the value and the statuses there are', () => {
    expect(asReject(mapperWith()(note({ ticketStatus: 'solved' })))).toMatchObject({
      reason: 'invalid_ticket_status',
      field: 'ticketStatus',
      message: 'ticketStatus must be active, pending or closed, got "solved"',
    });
  });

  it('lower-cases and trims the author email, and drops one that is no address without rejecting the note', () => {
    const map = mapperWith();
    expect(asDraft(map(note({ id: '1', authorEmail: '  Ann@Example.COM ' }))).authorEmail).toBe('ann@example.com');
    expect(asDraft(map(note({ id: '2', authorEmail: 'Ann Example' }))).authorEmail).toBeUndefined();
    expect(asDraft(map(note({ id: '3', authorEmail: '' }))).authorEmail).toBeUndefined();
  });

  it('gives a repeated author cell its address every time and a bad one none every time, past more distinct cells than are remembered', () => {
    const map = mapperWith();
    const cells = ['  Ann@Example.COM ', 'Ann Example', ...Array.from({ length: 5000 }, (_, i) => `Agent${i}@Desk.example`)];
    const expected = (i: number): string | undefined => (i === 0 ? 'ann@example.com' : i === 1 ? undefined : `agent${i - 2}@desk.example`);
    const seen: (string | undefined)[] = [];
    for (let round = 0; round < 2; round++) cells.forEach((cell, i) => seen.push(asDraft(map(note({ id: `${round}-${i}`, authorEmail: cell }))).authorEmail));
    expect(seen).toEqual([...cells.map((_, i) => expected(i)), ...cells.map((_, i) => expected(i))]);
  });

  it('trims the customer name, and a blank one is none', () => {
    const map = mapperWith();
    expect(asDraft(map(note({ id: '1', customerName: '  Ann Example ' }))).customerName).toBe('Ann Example');
    expect(asDraft(map(note({ id: '2', customerName: '   ' }))).customerName).toBeUndefined();
  });

  it.each([
    ['an array', ['Billing Issue', ' VIP', 'billing   issue', '', 'Refund'], ['billing issue', 'vip', 'refund']],
    ['";"-separated text', 'Billing Issue; VIP ;billing\tissue;;Refund', ['billing issue', 'vip', 'refund']],
    ['a JSON array', ' ["Billing Issue","vip","VIP"] ', ['billing issue', 'vip']],
    ['one tag', 'Mobile App', ['mobile app']],
    ['empty text', '  ', []],
    ['an empty array', [], []],
  ])('normalises tags given as %s: trimmed, spaces collapsed, lower case, each once, no empty one', (_shape, tags, expected) => {
    expect(asDraft(mapperWith()(note({ tags }))).tags).toEqual(expected);
  });

  it.each([
    ['["a",', 'does not parse'],
    ['["a", 7]', 'tags[1] is not text: 7'],
    ['["a", null]', 'tags[1] is not text: null'],
  ])('rejects tags %j as invalid_field (%s)', (tags, message) => {
    const reject = asReject(mapperWith()(note({ tags })));
    expect(reject).toMatchObject({ reason: 'invalid_field', field: 'tags' });
    expect(reject.message).toContain(message);
  });

  it('gives each note its own tags when consecutive notes carry different ones, after a rejected one too', () => {
    const map = mapperWith();
    const ticketTags = ['A', 'b'];
    expect(asDraft(map(note({ id: '1', tags: ticketTags }))).tags).toEqual(['a', 'b']);
    expect(asDraft(map(note({ id: '2', tags: ticketTags }))).tags).toEqual(['a', 'b']);
    expect(asDraft(map(note({ id: '3', tags: 'C' }))).tags).toEqual(['c']);
    asReject(map(note({ id: '4', tags: '[' })));
    expect(asDraft(map(note({ id: '5' }))).tags).toEqual([]);
    expect(asDraft(map(note({ id: '6', tags: 'C' }))).tags).toEqual(['c']);
    expect(asDraft(map(note({ id: '7', tags: ['C'] }))).tags).toEqual(['c']);
  });
});
