import { describe, expect, it } from 'vitest';
import { startTestSimulator, vndError } from './helpers.ts';

const noteThread = (i: number) => ({ type: 'note', text: `note ${i}`, imported: true, createdAt: '2019-03-01T12:00:00Z' });

const conversation = (extra: Record<string, unknown> = {}) => ({
  subject: 'Imported ticket 42',
  type: 'email',
  mailboxId: 1,
  status: 'closed',
  customer: { email: 'new.customer@example.com', firstName: 'New', lastName: 'Customer' },
  imported: true,
  tags: ['HS-Import-abc-1'],
  threads: [noteThread(1), noteThread(2)],
  ...extra,
});

describe('POST /v2/conversations', () => {
  it('201 + Location + Resource-Id, empty body; threads stored with their createdAt', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', conversation());
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('');
    const id = Number(response.headers.get('resource-id'));
    expect(response.headers.get('location')).toBe(`${sim.url}/v2/conversations/${id}`);
    const stored = sim.state.conversations.get(id);
    expect(stored).toMatchObject({
      subject: 'Imported ticket 42',
      status: 'closed',
      imported: true,
      tags: ['hs-import-abc-1'],
      customer: { email: 'new.customer@example.com', first: 'New', last: 'Customer' },
    });
    expect(stored?.threads.map((t) => [t.type, t.body, t.createdAt, t.imported])).toEqual([
      ['note', 'note 1', '2019-03-01T12:00:00Z', true],
      ['note', 'note 2', '2019-03-01T12:00:00Z', true],
    ]);
    expect(sim.state.counters.conversationsCreated).toBe(1);
  });

  it('"That recorded request also sent mailboxId as a string and was accepted"', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('POST', '/v2/conversations', conversation({ mailboxId: '1' }))).status).toBe(201);
  });

  it('"If you try to create conversation with more than 100 threads … HTTP 412"; exactly 100 is fine', async () => {
    const sim = await startTestSimulator();
    const hundred = Array.from({ length: 100 }, (_, i) => noteThread(i));
    expect((await sim.api('POST', '/v2/conversations', conversation({ threads: hundred }))).status).toBe(201);
    const tooMany = await sim.api('POST', '/v2/conversations', conversation({ threads: [...hundred, noteThread(100)] }));
    expect(tooMany.status).toBe(412);
    expect(sim.state.counters.conversationsCreated).toBe(1);
  });

  it('"Creates a conversation in an inbox with at least one thread": 0 threads → 400', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', conversation({ threads: [] }));
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors[0]).toMatchObject({ path: 'threads' });
  });

  it('subject, type, mailboxId, status, customer and threads are required', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', {});
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors.map((e) => e.path)).toEqual([
      'subject',
      'type',
      'mailboxId',
      'status',
      'customer',
      'threads',
    ]);
  });

  it.each([
    ['type', { type: 'sms' }, 'type'],
    ['status (active|closed|pending)', { status: 'spam' }, 'status'],
    ['an unknown mailbox', { mailboxId: 77 }, 'mailboxId'],
    ['a customer without email', { customer: { firstName: 'No' } }, 'customer.email'],
    ['a badly formed email', { customer: { email: 'not-an-email' } }, 'customer.email'],
    ['an unknown customer id', { customer: { id: 424242 } }, 'customer.id'],
    ['a thread type', { threads: [{ type: 'sms', text: 'x' }] }, 'threads[0].type'],
    ['a thread without text', { threads: [{ type: 'note' }] }, 'threads[0].text'],
    ['a thread createdAt with millis', { threads: [{ type: 'note', text: 'x', createdAt: '2019-03-01T12:00:00.123Z' }] }, 'threads[0].createdAt'],
    ['a createdAt without imported', { imported: false, threads: [{ type: 'note', text: 'x', createdAt: '2019-03-01T12:00:00Z' }] }, 'threads[0].createdAt'],
    ['tags that are not strings', { tags: [1] }, 'tags[0]'],
  ])('rejects %s with a 400 naming the field', async (_, patch, path) => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', conversation(patch));
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors.map((e) => e.path)).toEqual([path]);
    expect(sim.state.counters.conversationsCreated).toBe(0);
  });

  it('a known customer by {id} or a matched email: "if matched, other fields ignored"', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1, customerEmail: 'old@example.com' }] });
    const existing = sim.state.conversations.get(1)?.customer;
    const byId = await sim.api('POST', '/v2/conversations', conversation({ customer: { id: existing?.id } }));
    const byEmail = await sim.api('POST', '/v2/conversations', conversation({ customer: { email: 'old@example.com', firstName: 'Other' } }));
    for (const response of [byId, byEmail]) {
      expect(sim.state.conversations.get(Number(response.headers.get('resource-id')))?.customer).toBe(existing);
    }
  });

  it('thread types customer|reply|note|chat|phone; a reply is listed as a "message" by the user, customer threads by their customer', async () => {
    const sim = await startTestSimulator();
    const threads = ['customer', 'reply', 'note', 'chat', 'phone'].map((type, i) => ({
      type,
      text: type,
      ...(type === 'note' ? {} : { customer: { email: 'writer@example.com' } }),
      imported: true,
      createdAt: `2019-03-01T12:00:0${i}Z`,
    }));
    const response = await sim.api('POST', '/v2/conversations', conversation({ threads }));
    expect(response.status).toBe(201);
    const stored = sim.state.conversations.get(Number(response.headers.get('resource-id')));
    const writer = stored?.threads[0]?.createdBy.id;
    expect(writer).not.toBe(stored?.customer.id);
    expect(stored?.threads.map((t) => [t.type, t.createdBy.type, t.createdBy.id])).toEqual([
      ['customer', 'customer', writer],
      ['message', 'user', 1],
      ['note', 'user', 1],
      ['chat', 'customer', writer],
      ['phone', 'customer', writer],
    ]);
  });

  it.each(['customer', 'reply', 'chat', 'phone'])('a %s thread needs "customer", as on its own endpoint: 400 at threads[i].customer', async (type) => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', conversation({ threads: [noteThread(1), { type, text: 'hi', imported: true }] }));
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors.map((e) => e.path)).toEqual(['threads[1].customer']);
    expect(sim.state.counters.conversationsCreated).toBe(0);
  });

  it('each thread is imported only by its own imported: true; the others count in threadsNotImported', async () => {
    const sim = await startTestSimulator();
    const unmarked = { type: 'reply', text: 'no flag', customer: { email: 'c@example.com' } };
    const response = await sim.api('POST', '/v2/conversations', conversation({ imported: true, threads: [noteThread(1), unmarked, { ...unmarked, imported: false }] }));
    expect(response.status).toBe(201);
    const stored = sim.state.conversations.get(Number(response.headers.get('resource-id')));
    expect(stored?.threads.map((t) => t.imported).sort()).toEqual([false, false, true]);
    expect(sim.state.counters.snapshot().threadsNotImported).toBe(2);
    // A thread's createdAt needs the thread's own flag: the conversation's does not lend it one.
    const dated = await sim.api('POST', '/v2/conversations', conversation({ threads: [{ type: 'note', text: 'x', createdAt: '2019-03-01T12:00:00Z' }] }));
    expect((await vndError(dated))._embedded.errors.map((e) => e.path)).toEqual(['threads[0].createdAt']);
  });

  it('a fully imported conversation counts nothing in threadsNotImported', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('POST', '/v2/conversations', conversation())).status).toBe(201);
    expect(sim.state.counters.snapshot().threadsNotImported).toBe(0);
  });

  it('conversation-level createdAt (imported) dates the conversation', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations', conversation({ createdAt: '2018-01-01T00:00:00Z' }));
    const id = response.headers.get('resource-id') ?? '';
    const body = (await (await sim.api('GET', `/v2/conversations/${id}`)).json()) as { createdAt: string; threads: number };
    expect(body).toMatchObject({ createdAt: '2018-01-01T00:00:00Z', threads: 2 });
  });
});
