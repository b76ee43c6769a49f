import { describe, expect, it } from 'vitest';
import { ManualClock, note, startTestSimulator } from './helpers.ts';

interface ListedThread {
  id: number;
  type: string;
  body: string;
  createdAt: string;
  imported?: boolean;
  createdBy: { id: number; type: string };
}

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;

async function listed(sim: Sim, conversation = 1001): Promise<ListedThread[]> {
  const body = (await (await sim.api('GET', `/v2/conversations/${conversation}/threads`)).json()) as { _embedded?: { threads: ListedThread[] } };
  return body._embedded?.threads ?? [];
}

async function postNote(sim: Sim, text: string, conversation = 1001): Promise<number> {
  const response = await sim.api('POST', `/v2/conversations/${conversation}/notes`, note({ text }));
  expect(response.status).toBe(201);
  return Number(response.headers.get('resource-id'));
}

const threadCount = async (sim: Sim, conversation = 1001) =>
  ((await (await sim.api('GET', `/v2/conversations/${conversation}`)).json()) as { threads: number }).threads;

describe('POST /__sim/delete-thread', () => {
  it('removes the thread: gone from List Threads, Get Conversation counts one less', async () => {
    const sim = await startTestSimulator();
    const keep = await postNote(sim, 'keep');
    const gone = await postNote(sim, 'gone');
    expect((await sim.control('POST', 'delete-thread', { conversation: 1001, thread: gone })).status).toBe(204);
    expect((await listed(sim)).map((t) => t.id)).toEqual([keep]);
    expect(await threadCount(sim)).toBe(1);
  });

  it('an unknown thread or conversation, or a merged-away id → 404 JSON error; a bad payload → 400', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1001, threads: 1 }, { id: 1002, threads: 1, mergedInto: 1001 }] });
    const seeded = sim.state.conversations.get(1001)?.threads[0]?.id ?? 0;
    for (const payload of [{ conversation: 1001, thread: 1 }, { conversation: 4242, thread: seeded }, { conversation: 1002, thread: seeded }]) {
      const response = await sim.control('POST', 'delete-thread', payload);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: expect.any(String) as string });
    }
    expect((await sim.control('POST', 'delete-thread', { conversation: 'x' })).status).toBe(400);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(2);
  });
});

describe('POST /__sim/copy-thread', () => {
  it('a duplicate with a new, higher id and the same body, createdAt, type, imported and author', async () => {
    const sim = await startTestSimulator();
    const original = await postNote(sim, 'posted twice');
    const response = await sim.control('POST', 'copy-thread', { conversation: 1001, thread: original });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: number };
    expect(id).toBeGreaterThan(original);
    const [copy, first] = await listed(sim);
    expect(copy?.id).toBe(id);
    expect(first?.id).toBe(original);
    expect({ ...copy, id: 0 }).toEqual({ ...first, id: 0 });
    expect(copy).toMatchObject({ type: 'note', body: 'posted twice', createdAt: '2020-05-04T10:11:12Z', imported: true });
    expect(await threadCount(sim)).toBe(2);
  });

  it('an unknown thread → 404', async () => {
    const sim = await startTestSimulator();
    expect((await sim.control('POST', 'copy-thread', { conversation: 1001, thread: 5 })).status).toBe(404);
  });
});

describe('POST /__sim/add-threads', () => {
  it('agent replies after the import: non-imported "message" threads by a user, dated the simulator\'s now', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6));
    const sim = await startTestSimulator(undefined, { clock });
    const response = await sim.control('POST', 'add-threads', { conversation: 1001, count: 2 });
    expect(response.status).toBe(201);
    const { ids } = (await response.json()) as { ids: number[] };
    expect(ids).toHaveLength(2);
    const threads = await listed(sim);
    expect(threads.map((t) => t.id).sort((a, b) => a - b)).toEqual(ids);
    for (const t of threads) {
      expect(t).toMatchObject({ type: 'message', createdAt: '2026-03-03T04:05:06Z', createdBy: { id: 1, type: 'user' } });
      expect(t).not.toHaveProperty('imported');
    }
  });

  it('type note or customer, a body and a createdAt when given; customer threads are by the conversation\'s customer', async () => {
    const sim = await startTestSimulator();
    await sim.control('POST', 'add-threads', { conversation: 1001, count: 1, type: 'customer', body: 'Any news?', createdAt: '2025-01-01T00:00:00Z' });
    await sim.control('POST', 'add-threads', { conversation: 1001, count: 1, type: 'note', createdAt: '2025-01-02T00:00:00Z' });
    const [noteThread, customerThread] = await listed(sim);
    expect(noteThread).toMatchObject({ type: 'note', createdBy: { type: 'user' } });
    expect(customerThread).toMatchObject({
      type: 'customer',
      body: 'Any news?',
      createdAt: '2025-01-01T00:00:00Z',
      createdBy: { id: sim.state.conversations.get(1001)?.customer.id, type: 'customer' },
    });
  });

  it('Get Conversation counts them and the 99-thread rule sees them: the next note → 412', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1001, threads: 90 }] });
    expect((await sim.control('POST', 'add-threads', { conversation: 1001, count: 9 })).status).toBe(201);
    expect(await threadCount(sim)).toBe(99);
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note())).status).toBe(412);
  });

  it('are not API writes: threadsNotImported and the request counters stay at 0', async () => {
    const sim = await startTestSimulator();
    await sim.control('POST', 'add-threads', { conversation: 1001, count: 3 });
    expect(sim.state.counters.snapshot()).toMatchObject({ threadsNotImported: 0, requests: {} });
  });

  it('refuses more than a conversation can hold (409), bad payloads (400), unknown or merged ids (404)', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1001, threads: 95 }, { id: 1002, mergedInto: 1001 }] });
    expect((await sim.control('POST', 'add-threads', { conversation: 1001, count: 6 })).status).toBe(409);
    const bad = await sim.control('POST', 'add-threads', { conversation: 1001, count: 0, type: 'chat', body: '', createdAt: 'today' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems).toHaveLength(4);
    expect((await sim.control('POST', 'add-threads', { conversation: 4242, count: 1 })).status).toBe(404);
    expect((await sim.control('POST', 'add-threads', { conversation: 1002, count: 1 })).status).toBe(404);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(95);
  });
});

describe('thread ids across the API and the tamper endpoints', () => {
  it('keep growing in posting order, never reused after a delete', async () => {
    const sim = await startTestSimulator();
    const ids: number[] = [];
    ids.push(await postNote(sim, 'a'));
    const added = (await (await sim.control('POST', 'add-threads', { conversation: 1001, count: 2 })).json()) as { ids: number[] };
    ids.push(...added.ids);
    await sim.control('POST', 'delete-thread', { conversation: 1001, thread: ids.at(-1) });
    const copied = (await (await sim.control('POST', 'copy-thread', { conversation: 1001, thread: ids[0] })).json()) as { id: number };
    ids.push(copied.id);
    ids.push(await postNote(sim, 'b'));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
