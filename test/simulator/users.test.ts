import { describe, expect, it } from 'vitest';
import type { SeedFile } from '../../src/simulator/index.ts';
import { ManualClock, startTestSimulator, vndError } from './helpers.ts';

interface UsersPage {
  _embedded?: { users: Record<string, unknown>[] };
  _links: Record<string, { href: string }>;
  page: { size: number; totalElements: number; totalPages: number; number: number };
}

const page = async (response: Response) => (await response.json()) as UsersPage;

/** `count` users with ids 1..count, in reverse order so the listing's id order is the simulator's doing. */
const manyUsers = (count: number): NonNullable<SeedFile['users']> =>
  Array.from({ length: count }, (_, i) => ({ id: count - i, firstName: `U${count - i}`, lastName: 'Agent', email: `u${count - i}@example.com` }));

describe('GET /v2/users', () => {
  it('HAL: _embedded.users[] with the documented fields, page{size 50,…}, self/first/last links', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      users: [
        { id: 4, firstName: 'Vernon', lastName: 'Bear', email: 'bear@acme.com', role: 'owner', alternateEmails: ['bear@forest.com'] },
        { id: 9, firstName: 'Support', lastName: 'Team', email: 'team@acme.com', type: 'team' },
      ],
    });
    const response = await sim.api('GET', '/v2/users');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/hal+json');
    const body = await page(response);
    expect(body._embedded?.users).toEqual([
      {
        id: 4,
        firstName: 'Vernon',
        lastName: 'Bear',
        email: 'bear@acme.com',
        role: 'owner',
        timezone: 'UTC',
        createdAt: '2020-01-01T00:00:00Z',
        updatedAt: '2020-01-01T00:00:00Z',
        type: 'user',
        mention: 'vernon',
        initials: 'VB',
        alternateEmails: ['bear@forest.com'],
        _links: { self: { href: `${sim.url}/v2/users/4` } },
      },
      expect.objectContaining({ id: 9, type: 'team', role: 'user', alternateEmails: [] }),
    ]);
    expect(body.page).toEqual({ size: 50, totalElements: 2, totalPages: 1, number: 1 });
    expect(body._links['self']?.href).toBe(`${sim.url}/v2/users?page=1`);
    expect(body._links['next']).toBeUndefined();
  });

  it('"including those who have not yet accepted their Help Scout invitations": invited users are listed', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      users: [
        { id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' },
        { id: 2, firstName: 'Ivy', lastName: 'Invited', email: 'ivy@example.com', invited: true },
      ],
    });
    const body = await page(await sim.api('GET', '/v2/users'));
    expect(body._embedded?.users.map((u) => u['email'])).toEqual(['ada@example.com', 'ivy@example.com']);
  });

  it('paged by 50 in id order, _links.next until the last page; walking it yields every user once', async () => {
    const sim = await startTestSimulator({ rateLimit: null, users: manyUsers(120) });
    const first = await page(await sim.api('GET', '/v2/users'));
    expect(first.page).toEqual({ size: 50, totalElements: 120, totalPages: 3, number: 1 });
    expect(first._links['next']?.href).toBe(`${sim.url}/v2/users?page=2`);
    const ids: unknown[] = [];
    let next: string | undefined = `/v2/users`;
    while (next !== undefined) {
      const p: UsersPage = await page(await sim.api('GET', next.replace(sim.url, '')));
      ids.push(...(p._embedded?.users.map((u) => u['id']) ?? []));
      next = p._links['next']?.href;
    }
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const beyond = await page(await sim.api('GET', '/v2/users?page=9'));
    expect(beyond).not.toHaveProperty('_embedded');
    expect((await sim.api('GET', '/v2/users?page=0')).status).toBe(400);
  });

  it('"email=… exact match": the primary address only, case and all; the filter survives paging links', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      users: [
        { id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com', alternateEmails: ['boss@example.com'] },
        { id: 2, firstName: 'Bob', lastName: 'Agent', email: 'bob@example.com' },
      ],
    });
    const exact = await page(await sim.api('GET', '/v2/users?email=bob%40example.com'));
    expect(exact._embedded?.users.map((u) => u['id'])).toEqual([2]);
    expect(exact._links['self']?.href).toContain('email=bob%40example.com');
    for (const miss of ['BOB@example.com', 'boss@example.com', 'bob']) {
      const none = await page(await sim.api('GET', `/v2/users?email=${encodeURIComponent(miss)}`));
      expect(none.page.totalElements).toBe(0);
    }
  });

  it('needs a token (401) and spends 1 unit like any read', async () => {
    const sim = await startTestSimulator({ rateLimit: { unitsPerWindow: 10, windowSeconds: 60 } }, { clock: new ManualClock() });
    expect((await sim.request('/v2/users')).status).toBe(401);
    const response = await sim.api('GET', '/v2/users');
    expect(response.headers.get('x-ratelimit-remaining-minute')).toBe('9');
    expect(sim.state.counters.requestCount('GET /v2/users', 200)).toBe(1);
  });

  it('is refused with 429 when the budget is spent', async () => {
    const sim = await startTestSimulator({ rateLimit: { unitsPerWindow: 1, windowSeconds: 60 } }, { clock: new ManualClock() });
    expect((await sim.api('GET', '/v2/users')).status).toBe(200);
    expect((await sim.api('GET', '/v2/users')).status).toBe(429);
  });
});

describe('GET /v2/users/{id}', () => {
  it('the user as List Users shows it', async () => {
    const sim = await startTestSimulator({ rateLimit: null, users: manyUsers(3) });
    const response = await sim.api('GET', '/v2/users/2');
    expect(response.status).toBe(200);
    const listed = (await page(await sim.api('GET', '/v2/users')))._embedded?.users[1];
    expect(await response.json()).toEqual(listed);
  });

  it('an unknown id → 404 vnd.error', async () => {
    const sim = await startTestSimulator({ rateLimit: null, users: manyUsers(3) });
    const response = await sim.api('GET', '/v2/users/42');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/vnd.error+json');
    expect((await vndError(response)).message).toBe('User not found');
  });
});
