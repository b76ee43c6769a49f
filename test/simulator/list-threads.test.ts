import { describe, expect, it } from 'vitest';
import { note, startTestSimulator } from './helpers.ts';

interface ThreadsPage {
  _embedded?: { threads: Record<string, unknown>[] };
  _links: Record<string, { href: string }>;
  page: { size: number; totalElements: number; totalPages: number; number: number };
}

const page = async (response: Response) => (await response.json()) as ThreadsPage;

describe('GET /v2/conversations/{id}/threads', () => {
  it('"Threads are by default sorted by createdAt (from newest to oldest)"; equal dates newest id first', async () => {
    const sim = await startTestSimulator();
    await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'a', createdAt: '2020-01-01T00:00:00Z' }));
    await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'b', createdAt: '2020-01-01T00:00:00Z' }));
    await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'old', createdAt: '2010-01-01T00:00:00Z' }));
    const body = await page(await sim.api('GET', '/v2/conversations/1001/threads'));
    expect(body._embedded?.threads.map((t) => t['body'])).toEqual(['b', 'a', 'old']);
  });

  it('a thread carries id, type, status, state "published", body, createdAt, imported, createdBy{id,type:"user"}, _embedded.attachments', async () => {
    const sim = await startTestSimulator();
    const created = await sim.api(
      'POST',
      '/v2/conversations/1001/notes',
      note({ attachments: [{ fileName: 'log.txt', mimeType: 'text/plain', data: 'aGk=' }] }),
    );
    const body = await page(await sim.api('GET', '/v2/conversations/1001/threads'));
    expect(body._embedded?.threads[0]).toMatchObject({
      id: Number(created.headers.get('resource-id')),
      type: 'note',
      status: 'active',
      state: 'published',
      body: 'Imported from Zendesk #42',
      createdAt: '2020-05-04T10:11:12Z',
      imported: true,
      createdBy: { id: 1, type: 'user', email: 'ada@example.com' },
      _embedded: { attachments: [{ filename: 'log.txt', mimeType: 'text/plain', size: 2 }] },
    });
  });

  it('"paginated to 50 items": page{size,totalElements,totalPages,number}, _links next/previous/first/last', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 5, threads: 120 }] });
    const first = await page(await sim.api('GET', '/v2/conversations/5/threads'));
    expect(first.page).toEqual({ size: 50, totalElements: 120, totalPages: 3, number: 1 });
    expect(first._embedded?.threads).toHaveLength(50);
    expect(first._links['next']?.href).toBe(`${sim.url}/v2/conversations/5/threads?page=2`);
    expect(first._links['previous']).toBeUndefined();
    expect(first._links['last']?.href).toBe(`${sim.url}/v2/conversations/5/threads?page=3`);
    const last = await page(await sim.api('GET', '/v2/conversations/5/threads?page=3'));
    expect(last._embedded?.threads).toHaveLength(20);
    expect(last._links['next']).toBeUndefined();
    expect(last._links['previous']?.href).toContain('page=2');
    // Walking every page yields every thread once, newest to oldest.
    const ids: number[] = [];
    for (let n = 1; n <= 3; n++) {
      const p = await page(await sim.api('GET', `/v2/conversations/5/threads?page=${n}`));
      ids.push(...(p._embedded?.threads.map((t) => t['id'] as number) ?? []));
    }
    expect(new Set(ids).size).toBe(120);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('"Empty lists omit _embedded entirely"', async () => {
    const sim = await startTestSimulator();
    const body = await page(await sim.api('GET', '/v2/conversations/1001/threads'));
    expect(body).not.toHaveProperty('_embedded');
    expect(body.page).toEqual({ size: 50, totalElements: 0, totalPages: 0, number: 1 });
    const beyond = await page(await sim.api('GET', '/v2/conversations/1002/threads?page=9'));
    expect(beyond).not.toHaveProperty('_embedded');
  });

  it('merged id → 404 (call Get Conversation for the new location); unknown → 404', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1, threads: 2, mergedInto: 2 }, { id: 2 }] });
    expect((await sim.api('GET', '/v2/conversations/1/threads')).status).toBe(404);
    expect((await sim.api('GET', '/v2/conversations/3/threads')).status).toBe(404);
  });

  it('?page=0 or ?page=x → 400', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('GET', '/v2/conversations/1001/threads?page=0')).status).toBe(400);
    expect((await sim.api('GET', '/v2/conversations/1001/threads?page=x')).status).toBe(400);
  });
});
