import { describe, expect, it } from 'vitest';
import { startTestSimulator } from './helpers.ts';

interface ListPage {
  _embedded?: { conversations: { id: number; tags: { tag: string }[] }[] };
  _links: Record<string, { href: string }>;
  page: { size: number; totalElements: number; totalPages: number; number: number };
}

const ids = async (response: Response) => ((await response.json()) as ListPage)._embedded?.conversations.map((c) => c.id) ?? [];

describe('GET /v2/conversations', () => {
  const seed = {
    rateLimit: null,
    mailboxes: [{ id: 1, name: 'Support' }, { id: 2, name: 'Sales' }],
    conversations: [
      { id: 1, status: 'active' as const, tags: ['Import-A'], createdAt: '2024-01-01T00:00:00Z' },
      { id: 2, status: 'closed' as const, tags: ['import-a'], createdAt: '2024-01-02T00:00:00Z' },
      { id: 3, status: 'pending' as const, tags: ['import-b'], createdAt: '2024-01-03T00:00:00Z' },
      { id: 4, status: 'active' as const, mailboxId: 2, tags: ['import-a'], createdAt: '2024-01-04T00:00:00Z' },
      { id: 5, status: 'active' as const, tags: ['import-a'], mergedInto: 1 },
    ],
  };

  it('status defaults to active only: a closed conversation is found with status=all', async () => {
    const sim = await startTestSimulator(seed);
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=import-a'))).toEqual([4, 1]);
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=import-a&status=all'))).toEqual([4, 2, 1]);
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=import-a&status=closed'))).toEqual([2]);
  });

  it('filters by tag case-insensitively, and by mailbox; merged conversations are not listed', async () => {
    const sim = await startTestSimulator(seed);
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=IMPORT-A&status=all&mailbox=1'))).toEqual([2, 1]);
    expect(await ids(await sim.api('GET', '/v2/conversations?status=all&mailbox=2'))).toEqual([4]);
    expect(await ids(await sim.api('GET', '/v2/conversations?status=all'))).toEqual([4, 3, 2, 1]);
  });

  it('"mailbox=123,567": comma separated values for more inboxes; "tag=red,blue" for more tags', async () => {
    const sim = await startTestSimulator(seed);
    expect(await ids(await sim.api('GET', '/v2/conversations?status=all&mailbox=1,2'))).toEqual([4, 3, 2, 1]);
    expect(await ids(await sim.api('GET', '/v2/conversations?status=all&tag=import-b,nothing'))).toEqual([3]);
    expect((await sim.api('GET', '/v2/conversations?mailbox=1,x')).status).toBe(400);
  });

  it('finds a conversation created through the API by its import tag', async () => {
    const sim = await startTestSimulator(seed);
    const created = await sim.api('POST', '/v2/conversations', {
      subject: 's',
      type: 'email',
      mailboxId: 1,
      status: 'closed',
      customer: { email: 'x@example.com' },
      tags: ['HS-Import-Run7-T42-p1'],
      threads: [{ type: 'note', text: 'n' }],
    });
    const id = Number(created.headers.get('resource-id'));
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=hs-import-run7-t42-p1&status=all'))).toEqual([id]);
    expect(await ids(await sim.api('GET', '/v2/conversations?tag=hs-import-run7-t42-p1'))).toEqual([]);
  });

  it('"paginated to 25 items"; _links keep the filters; empty lists omit _embedded', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      conversations: Array.from({ length: 30 }, (_, i) => ({ id: i + 1, tags: ['many'] })),
    });
    const first = (await (await sim.api('GET', '/v2/conversations?tag=many')).json()) as ListPage;
    expect(first.page).toEqual({ size: 25, totalElements: 30, totalPages: 2, number: 1 });
    expect(first._embedded?.conversations).toHaveLength(25);
    const next = new URL(first._links['next']?.href ?? '');
    expect(next.searchParams.get('tag')).toBe('many');
    expect(next.searchParams.get('page')).toBe('2');
    expect(await ids(await sim.api('GET', `${next.pathname}${next.search}`))).toHaveLength(5);
    const none = (await (await sim.api('GET', '/v2/conversations?tag=nothing')).json()) as ListPage;
    expect(none).not.toHaveProperty('_embedded');
    expect(none.page.totalElements).toBe(0);
  });

  it('an unknown status value → 400', async () => {
    const sim = await startTestSimulator(seed);
    expect((await sim.api('GET', '/v2/conversations?status=everything')).status).toBe(400);
  });
});
