import { describe, expect, it } from 'vitest';
import type { SeedFile } from '../../src/simulator/index.ts';
import { ManualClock, startTestSimulator, vndError } from './helpers.ts';

interface ListedThread {
  id: number;
  type: string;
  imported?: boolean;
  createdAt: string;
  createdBy: { id: number; type: string; email: string };
}

const SEED: SeedFile = {
  rateLimit: null,
  users: [
    { id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' },
    { id: 7, firstName: 'Grace', lastName: 'Agent', email: 'grace@example.com' },
  ],
  conversations: [{ id: 1001, customerEmail: 'c@example.com', status: 'closed' }],
};

const thread = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  customer: { email: 'c@example.com' },
  text: 'Imported from Zendesk #42',
  imported: true,
  createdAt: '2020-05-04T10:11:12Z',
  ...extra,
});

async function listed(sim: Awaited<ReturnType<typeof startTestSimulator>>, conversation = 1001): Promise<ListedThread[]> {
  const body = (await (await sim.api('GET', `/v2/conversations/${conversation}/threads`)).json()) as { _embedded?: { threads: ListedThread[] } };
  return body._embedded?.threads ?? [];
}

describe.each(['customer', 'reply'])('POST /v2/conversations/{id}/%s, like notes', (kind) => {
  const path = (id: number) => `/v2/conversations/${id}/${kind}`;

  it('201, header Resource-ID = the new thread id, empty body; Get Conversation counts it', async () => {
    const sim = await startTestSimulator(SEED);
    const response = await sim.api('POST', path(1001), thread());
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('');
    const [only] = await listed(sim);
    expect(only?.id).toBe(Number(response.headers.get('resource-id')));
    expect(only).toMatchObject({ createdAt: '2020-05-04T10:11:12Z', imported: true });
    expect(((await (await sim.api('GET', '/v2/conversations/1001')).json()) as { threads: number }).threads).toBe(1);
  });

  it('"customer" and "text" are required: 400 vnd.error naming each missing field, nothing stored', async () => {
    const sim = await startTestSimulator(SEED);
    const response = await sim.api('POST', path(1001), { imported: true });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/vnd.error+json');
    expect((await vndError(response))._embedded.errors.map((e) => e.path)).toEqual(['text', 'customer']);
    const noEmail = await sim.api('POST', path(1001), thread({ customer: { firstName: 'No' } }));
    expect((await vndError(noEmail))._embedded.errors.map((e) => e.path)).toEqual(['customer.email']);
    const unknownId = await sim.api('POST', path(1001), thread({ customer: { id: 424242 } }));
    expect((await vndError(unknownId))._embedded.errors[0]).toMatchObject({ path: 'customer.id', message: 'Invalid identifier' });
    expect(await listed(sim)).toEqual([]);
  });

  it('"createdAt … can only be used with imported field set to true"; a malformed one → "Malformed date"', async () => {
    const sim = await startTestSimulator(SEED);
    const notImported = await sim.api('POST', path(1001), thread({ imported: false }));
    expect((await vndError(notImported))._embedded.errors[0]).toMatchObject({ path: 'createdAt' });
    const millis = await sim.api('POST', path(1001), thread({ createdAt: '2020-05-04T10:11:12.000Z' }));
    expect((await vndError(millis))._embedded.errors[0]).toMatchObject({ path: 'createdAt', message: 'Malformed date' });
  });

  it('attachments are stored with the thread', async () => {
    const sim = await startTestSimulator(SEED);
    const attachments = [{ fileName: 'a.txt', mimeType: 'text/plain', data: Buffer.from('hello').toString('base64') }];
    expect((await sim.api('POST', path(1001), thread({ attachments }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.threads[0]?.attachments).toMatchObject([{ fileName: 'a.txt', size: 5 }]);
  });

  it('an unknown or merged conversation → 404, and the merged-into one is untouched', async () => {
    const sim = await startTestSimulator({ ...SEED, conversations: [{ id: 1 }, { id: 2, mergedInto: 1 }] });
    expect((await sim.api('POST', path(4242), thread())).status).toBe(404);
    expect((await sim.api('POST', path(2), thread())).status).toBe(404);
    expect(sim.state.conversations.get(1)?.threads).toHaveLength(0);
  });

  it('a conversation with 99 threads → 412 "maximum number of threads"; a too-old one → 412 "too old"', async () => {
    const sim = await startTestSimulator({ ...SEED, conversations: [{ id: 98, threads: 98 }, { id: 7, threads: 1, tooOld: true }] });
    expect((await sim.api('POST', path(98), thread())).status).toBe(201);
    const full = await sim.api('POST', path(98), thread());
    expect([full.status, (await vndError(full)).message]).toEqual([412, 'Locked conversation - maximum number of threads']);
    const old = await sim.api('POST', path(7), thread());
    expect([old.status, (await vndError(old)).message]).toEqual([412, 'Locked conversation - too old']);
    expect(sim.state.conversations.get(98)?.threads).toHaveLength(99);
  });

  it('a body above maxBodyBytes → 413, nothing stored', async () => {
    const sim = await startTestSimulator({ ...SEED, maxBodyBytes: 500 });
    expect((await sim.api('POST', path(1001), thread({ text: 'x'.repeat(1000) }))).status).toBe(413);
    expect(await listed(sim)).toEqual([]);
  });

  it('a write: 2 units; refused with 429 when they are not there', async () => {
    const clock = new ManualClock();
    const sim = await startTestSimulator({ ...SEED, rateLimit: { unitsPerWindow: 3, windowSeconds: 60 } }, { clock });
    const first = await sim.api('POST', path(1001), thread());
    expect([first.status, first.headers.get('x-ratelimit-remaining-minute')]).toEqual([201, '1']);
    const second = await sim.api('POST', path(1001), thread());
    expect(second.status).toBe(429);
    expect(second.headers.get('x-ratelimit-retry-after')).not.toBeNull();
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(1);
  });

  it('injected faults hit it like any write: a 5xx stores nothing, a lost response stores the thread', async () => {
    const sim = await startTestSimulator({ ...SEED, faults: { serverErrorRate: 1 } });
    expect((await sim.api('POST', path(1001), thread())).status).toBeGreaterThanOrEqual(500);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
    await sim.control('POST', 'config', { faults: { serverErrorRate: 0, lostResponseRate: 1 } });
    await expect(sim.api('POST', path(1001), thread())).rejects.toThrow();
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(1);
  });

  it('without imported: true the thread is stored as not imported and counted in threadsNotImported', async () => {
    const sim = await startTestSimulator(SEED);
    expect((await sim.api('POST', path(1001), thread())).status).toBe(201);
    expect(sim.state.counters.snapshot().threadsNotImported).toBe(0);
    expect((await sim.api('POST', path(1001), thread({ imported: undefined, createdAt: undefined }))).status).toBe(201);
    expect((await sim.api('POST', path(1001), thread({ imported: false, createdAt: undefined }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.threads.map((t) => t.imported)).toEqual([true, false, false]);
    const counters = (await (await sim.control('GET', 'counters')).json()) as { threadsNotImported: number };
    expect(counters.threadsNotImported).toBe(2);
  });
});

describe('POST /v2/conversations/{id}/customer', () => {
  it('List Threads shows type "customer", createdBy the customer named by email (created when new)', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/customer', thread({ customer: { email: 'new.person@example.com', firstName: 'New' } }));
    const [only] = await listed(sim);
    expect(only).toMatchObject({ type: 'customer', createdBy: { type: 'customer', email: 'new.person@example.com' } });
    // By id: the conversation's own customer.
    const own = sim.state.conversations.get(1001)?.customer;
    await sim.api('POST', '/v2/conversations/1001/customer', thread({ customer: { id: own?.id }, createdAt: '2021-01-01T00:00:00Z' }));
    expect((await listed(sim))[0]?.createdBy).toMatchObject({ id: own?.id, type: 'customer', email: 'c@example.com' });
  });

  it('takes no "user": one sent is ignored, the customer stays the author', async () => {
    const sim = await startTestSimulator(SEED);
    expect((await sim.api('POST', '/v2/conversations/1001/customer', thread({ user: 7 }))).status).toBe(201);
    expect((await listed(sim))[0]?.createdBy.type).toBe('customer');
  });

  it('"Unless imported field is set to true, it will re-open the updated conversation"', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/customer', thread());
    expect(sim.state.conversations.get(1001)?.status).toBe('closed');
    await sim.api('POST', '/v2/conversations/1001/customer', thread({ imported: false, createdAt: undefined }));
    expect(sim.state.conversations.get(1001)?.status).toBe('active');
  });

  it('is counted as customerThreadsCreated, not as a note', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/customer', thread());
    expect(sim.state.counters.snapshot()).toMatchObject({ customerThreadsCreated: 1, repliesCreated: 0, notesCreated: 0 });
  });
});

describe('POST /v2/conversations/{id}/reply', () => {
  it('List Threads shows a reply as type "message", createdBy the user given, else the token owner', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/reply', thread({ user: 7, status: 'closed' }));
    await sim.api('POST', '/v2/conversations/1001/reply', thread({ createdAt: '2021-01-01T00:00:00Z', status: 'closed' }));
    expect((await listed(sim)).map((t) => [t.type, t.createdBy.type, t.createdBy.id])).toEqual([
      ['message', 'user', 1],
      ['message', 'user', 7],
    ]);
  });

  it('"user" must be a known user id', async () => {
    const sim = await startTestSimulator(SEED);
    const response = await sim.api('POST', '/v2/conversations/1001/reply', thread({ user: 999 }));
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors[0]).toMatchObject({ path: 'user', message: 'Invalid identifier' });
  });

  it('"If not explicitly set, a reply thread will reactivate the conversation" (imported too); a given status is kept', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/reply', thread({ status: 'closed' }));
    expect(sim.state.conversations.get(1001)?.status).toBe('closed');
    await sim.api('POST', '/v2/conversations/1001/reply', thread({ status: 'pending' }));
    expect(sim.state.conversations.get(1001)?.status).toBe('pending');
    await sim.api('POST', '/v2/conversations/1001/reply', thread());
    expect(sim.state.conversations.get(1001)?.status).toBe('active');
  });

  it('"status" must be one of active, all, closed, open, pending, spam; "all" leaves the status alone', async () => {
    const sim = await startTestSimulator(SEED);
    const wrong = await sim.api('POST', '/v2/conversations/1001/reply', thread({ status: 'inbox_predefined' }));
    expect((await vndError(wrong))._embedded.errors[0]).toMatchObject({
      path: 'status',
      message: "Expected one of these: 'active', 'all', 'closed', 'open', 'pending', 'spam'",
    });
    expect((await sim.api('POST', '/v2/conversations/1001/reply', thread({ status: 'all' }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.status).toBe('closed');
  });

  it('is counted as repliesCreated', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/reply', thread());
    expect(sim.state.counters.snapshot()).toMatchObject({ customerThreadsCreated: 0, repliesCreated: 1, notesCreated: 0 });
  });
});

describe('POST /v2/conversations/{id}/notes counts in threadsNotImported too', () => {
  it('a note without imported: true is counted; an imported one is not', async () => {
    const sim = await startTestSimulator(SEED);
    await sim.api('POST', '/v2/conversations/1001/notes', { text: 'imported', imported: true });
    await sim.api('POST', '/v2/conversations/1001/notes', { text: 'live' });
    expect(sim.state.counters.snapshot()).toMatchObject({ notesCreated: 2, threadsNotImported: 1 });
    await sim.control('POST', 'reset-counters');
    expect(sim.state.counters.snapshot().threadsNotImported).toBe(0);
  });
});
