import { describe, expect, it } from 'vitest';
import { ManualClock, note, startTestSimulator, vndError, type TestSimulator } from './helpers.ts';

/** DESIGN.md §1 (and the §3/§6 facts the simulator owns), one row per fact, over real HTTP. */
const FACTS: [fact: string, check: (sim: TestSimulator, clock: ManualClock) => Promise<void>][] = [
  ['POST /v2/conversations/{id}/notes → 201 + Resource-ID (thread id)', async (sim) => {
    const response = await sim.api('POST', '/v2/conversations/1001/notes', note());
    expect(response.status).toBe(201);
    expect(Number(response.headers.get('resource-id'))).toBe(sim.state.conversations.get(1001)?.threads[0]?.id);
  }],
  ['Body: text (required), user, status — each checked, every problem listed in one 400', async (sim) => {
    const refused = await sim.api('POST', '/v2/conversations/1001/notes', { user: 999, status: 'Wrong' });
    expect(refused.status).toBe(400);
    expect((await vndError(refused))._embedded.errors.map((e) => e.path)).toEqual(['text', 'status', 'user']);
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note({ user: 1, status: 'closed' }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.status).toBe('closed');
  }],
  ['createdAt only with imported: true, format YYYY-MM-DDTHH:mm:ssZ, no millis', async (sim) => {
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note({ imported: false }))).status).toBe(400);
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note({ createdAt: '2020-05-04T10:11:12.000Z' }))).status).toBe(400);
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note())).status).toBe(201);
  }],
  ['attachments[{fileName,mimeType,data(base64)}]', async (sim) => {
    const attachments = [{ fileName: 'a.txt', mimeType: 'text/plain', data: 'aGVsbG8=' }];
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note({ attachments }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.threads[0]?.attachments[0]?.size).toBe(5);
  }],
  ['no idempotency key: the same note posted twice lands twice', async (sim) => {
    await sim.api('POST', '/v2/conversations/1001/notes', note());
    await sim.api('POST', '/v2/conversations/1001/notes', note());
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(2);
  }],
  ['a conversation holds at most 100 threads; adding to one that has ≥ 99 threads → 412', async (sim) => {
    await sim.control('POST', 'conversations', { id: 5, threads: 99 });
    expect((await sim.api('POST', '/v2/conversations/5/notes', note())).status).toBe(412);
  }],
  ['POST /v2/conversations takes 1..100 threads (incl. note with createdAt, imported) → 201 + Location + Resource-Id', async (sim) => {
    const threads = Array.from({ length: 100 }, (_, i) => ({ type: 'note', text: `n${i}`, imported: true, createdAt: '2019-01-01T00:00:00Z' }));
    const body = { subject: 's', type: 'email', mailboxId: 1, status: 'closed', customer: { email: 'a@b.co' }, imported: true, threads };
    const response = await sim.api('POST', '/v2/conversations', body);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`${sim.url}/v2/conversations/${response.headers.get('resource-id') ?? ''}`);
    expect((await sim.api('POST', '/v2/conversations', { ...body, threads: [...threads, threads[0]] })).status).toBe(412);
  }],
  ['merged conversation: note on old id → 404; GET /v2/conversations/{old} → 301 + Location of the new one', async (sim) => {
    await sim.control('POST', 'merge', { from: 1002, into: 1001 });
    expect((await sim.api('POST', '/v2/conversations/1002/notes', note())).status).toBe(404);
    const moved = await sim.api('GET', '/v2/conversations/1002');
    expect([moved.status, moved.headers.get('location')]).toEqual([301, `${sim.url}/v2/conversations/1001`]);
  }],
  ['merged: the 301 lasts for 60 days, then 404', async (sim, clock) => {
    await sim.control('POST', 'config', { tokens: { expiresInSeconds: 100 * 86_400 } });
    await sim.control('POST', 'merge', { from: 1002, into: 1001 });
    clock.advance(60 * 86_400);
    expect((await sim.api('GET', '/v2/conversations/1002')).status).toBe(301);
    clock.advance(1);
    expect((await sim.api('GET', '/v2/conversations/1002')).status).toBe(404);
  }],
  ['a second 412: "too old" company policy, told apart by GET (threads count far from 99)', async (sim) => {
    await sim.control('POST', 'conversations', { id: 6, threads: 3, tooOld: true });
    const refused = await sim.api('POST', '/v2/conversations/6/notes', note());
    expect([refused.status, (await vndError(refused)).message]).toEqual([412, 'Locked conversation - too old']);
    expect(((await (await sim.api('GET', '/v2/conversations/6')).json()) as { threads: number }).threads).toBe(3);
  }],
  ['OAuth2 client credentials, form-encoded → access_token, expires_in (172800 s); no refresh token; expired → 401', async (sim, clock) => {
    const response = await sim.request('/v2/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-app-id&client_secret=demo-app-secret',
    });
    const token = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(token).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(token['expires_in']).toBe(172800);
    clock.advance(172800);
    const expired = await sim.request('/v2/conversations/1001', { headers: { authorization: `Bearer ${String(token['access_token'])}` } });
    expect(expired.status).toBe(401);
  }],
  ['rate limit per account per minute (200 Standard); a write counts 2; X-RateLimit-* headers; 429 + X-RateLimit-Retry-After', async (sim) => {
    await sim.control('POST', 'config', { rateLimit: { unitsPerWindow: 200, windowSeconds: 60 } });
    const write = await sim.api('POST', '/v2/conversations/1001/notes', note());
    expect([write.headers.get('x-ratelimit-limit-minute'), write.headers.get('x-ratelimit-remaining-minute')]).toEqual(['200', '198']);
    for (let i = 0; i < 99; i++) await sim.api('GET', '/v2/conversations/1001');
    const rest = await Promise.all(Array.from({ length: 100 }, () => sim.api('GET', '/v2/conversations/1001')));
    const refused = rest.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(Number(refused[0]?.headers.get('x-ratelimit-retry-after'))).toBeGreaterThanOrEqual(1);
  }],
  ['rate limit per account: 200 / 400 / 800 by plan; other apps spend the same budget', async (sim) => {
    await sim.control('POST', 'config', {
      rateLimit: { unitsPerWindow: 800, windowSeconds: 60 },
      credentials: [{ appId: 'demo-app-id', appSecret: 'demo-app-secret' }, { appId: 'other-app', appSecret: 'other-secret' }],
    });
    const other = (await (await sim.request('/v2/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=other-app&client_secret=other-secret',
    })).json()) as { access_token: string };
    await sim.request('/v2/conversations/1001/notes', {
      method: 'POST',
      headers: { authorization: `Bearer ${other.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(note()),
    });
    const mine = await sim.api('GET', '/v2/conversations/1001');
    expect([mine.headers.get('x-ratelimit-limit-minute'), mine.headers.get('x-ratelimit-remaining-minute')]).toEqual(['800', '797']);
  }],
  ['list threads: newest first, page{size,totalElements,totalPages,number}, _links.next; threads count on Get Conversation', async (sim) => {
    await sim.control('POST', 'conversations', { id: 7, threads: 60 });
    const page = (await (await sim.api('GET', '/v2/conversations/7/threads')).json()) as {
      _embedded: { threads: { createdAt: string }[] };
      _links: { next?: { href: string } };
      page: object;
    };
    expect(page.page).toEqual({ size: 50, totalElements: 60, totalPages: 2, number: 1 });
    expect(page._links.next).toBeDefined();
    const dates = page._embedded.threads.map((t) => t.createdAt);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(((await (await sim.api('GET', '/v2/conversations/7')).json()) as { threads: number }).threads).toBe(60);
  }],
  ['errors: application/vnd.error+json {logRef, message, _embedded.errors[{path, message, rejectedValue, source}]}', async (sim) => {
    const response = await sim.api('POST', '/v2/conversations/1001/notes', { text: 'x', status: 'Wrong' });
    expect(response.headers.get('content-type')).toBe('application/vnd.error+json');
    const error = await vndError(response);
    expect(error._embedded.errors[0]).toMatchObject({ path: 'status', rejectedValue: 'Wrong', source: 'JSON' });
    expect(typeof error.logRef).toBe('string');
  }],
  ['§3: an in-doubt create is found with GET /v2/conversations?tag=…&status=all (the list defaults to active only)', async (sim) => {
    const body = { subject: 's', type: 'email', mailboxId: 1, status: 'closed', customer: { email: 'a@b.co' }, tags: ['run-1-t-9'], threads: [{ type: 'note', text: 'x' }] };
    const id = Number((await sim.api('POST', '/v2/conversations', body)).headers.get('resource-id'));
    const list = async (q: string) =>
      ((await (await sim.api('GET', `/v2/conversations?${q}`)).json()) as { _embedded?: { conversations: { id: number }[] } })._embedded?.conversations.map((c) => c.id);
    expect(await list('tag=run-1-t-9')).toBeUndefined();
    expect(await list('tag=run-1-t-9&status=all')).toEqual([id]);
  }],
  ['§6: the simulator answers 413 above its configured body limit', async (sim) => {
    await sim.control('POST', 'config', { maxBodyBytes: 64 * 1024 });
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'x'.repeat(100 * 1024) }))).status).toBe(413);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
  }],
];

describe('DESIGN §1: the Help Scout facts, through the simulator', () => {
  it.each(FACTS)('%s', async (_, check) => {
    const clock = new ManualClock();
    const sim = await startTestSimulator(
      { rateLimit: null, conversations: [{ id: 1001 }, { id: 1002, threads: 2 }] },
      { clock },
    );
    await check(sim, clock);
  });
});
