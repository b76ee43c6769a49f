import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startZendeskSim, type ZendeskSim } from '../../src/source-simulators/zendesk.ts';

let sim: ZendeskSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<Parameters<typeof startZendeskSim>[0]> = {}): Promise<ZendeskSim> {
  sim = await startZendeskSim({ email: 'a@acme.example', token: 'tok', tickets: 6, commentsPerTicket: 4, ...options });
  return sim;
}

async function get(s: ZendeskSim, path: string, auth = s.authorization): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  const response = await request(`${s.url}${path}`, { headers: { authorization: auth } });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const ids = (body: Record<string, unknown>, key: string): unknown[] => (body[key] as { id: unknown }[]).map((x) => x.id);

describe('the Zendesk simulator', () => {
  it('wants the API token as Basic {email}/token:{token}', async () => {
    const s = await start();
    expect(s.authorization).toBe(`Basic ${Buffer.from('a@acme.example/token:tok').toString('base64')}`);
    expect((await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0', 'Basic bm9wZQ==')).status).toBe(401);
  });

  it('pages the incremental export by cursor to end_of_stream, from start_time on, deleted tickets only when asked', async () => {
    const s = await start({ ticketsPageMax: 4, deleted: [3] });
    const first = await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000');
    expect(ids(first.body, 'tickets')).toEqual([1, 2, 3, 4]);
    expect(first.body.end_of_stream).toBe(false);
    expect(first.body.after_url).toBe(`${s.url}/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(String(first.body.after_cursor))}`);
    const second = await get(s, `/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(String(first.body.after_cursor))}`);
    expect(ids(second.body, 'tickets')).toEqual([5, 6]);
    expect(second.body.end_of_stream).toBe(true);
    expect((second.body.tickets as { comments?: unknown }[])[0]?.comments).toBeUndefined();

    const fourth = s.tickets[3];
    const since = await get(s, `/api/v2/incremental/tickets/cursor.json?start_time=${fourth?.generated_timestamp ?? 0}&exclude_deleted=true&include=users`);
    expect(ids(since.body, 'tickets')).toEqual([4, 5, 6]);
    expect(ids(since.body, 'users')).toEqual([9002, 9003]);
    expect(ids((await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0&exclude_deleted=true')).body, 'tickets')).not.toContain(3);
    expect((await get(s, '/api/v2/incremental/tickets/cursor.json')).status).toBe(400);
    expect((await get(s, '/api/v2/incremental/tickets/cursor.json?cursor=bogus')).status).toBe(400);
  });

  it('a changed ticket moves to the end of the stream', async () => {
    const s = await start();
    s.addComment(2);
    const all = await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0');
    expect(ids(all.body, 'tickets')).toEqual([1, 3, 4, 5, 6, 2]);
  });

  it('caps the incremental export on its own: 429 with Retry-After past the cap, other endpoints unaffected', async () => {
    const s = await start({ incrementalLimit: { requests: 2, windowMs: 60_000 } });
    expect((await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0')).status).toBe(200);
    expect((await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0')).status).toBe(200);
    const limited = await get(s, '/api/v2/incremental/tickets/cursor.json?start_time=0');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(s.incremental429).toBe(1);
    expect((await get(s, '/api/v2/tickets/1/comments.json')).status).toBe(200);
  });

  it('answers the account budget in Zendesk headers and 429s past it', async () => {
    const s = await start({ limit: { requests: 2, windowMs: 60_000 } });
    const ok = await get(s, '/api/v2/tickets/1/comments.json');
    expect(ok.headers).toMatchObject({ 'x-rate-limit': '2', 'x-rate-limit-remaining': '1', 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
    expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    await get(s, '/api/v2/tickets/1/comments.json');
    const limited = await get(s, '/api/v2/tickets/1/comments.json');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('pages comments by cursor, side-loads their authors, lists inline images only when asked; a deleted ticket is 404', async () => {
    const s = await start({ commentsPageMax: 2, inlineEvery: 3, deleted: [5] });
    const ticket = s.tickets[2];
    if (ticket?.comments.length !== 4) throw new Error('ticket 3 has not 4 comments');
    const first = await get(s, '/api/v2/tickets/3/comments.json?page[size]=100&include=users');
    expect(ids(first.body, 'comments')).toEqual(ticket.comments.slice(0, 2).map((c) => c.id));
    expect(ids(first.body, 'users').sort()).toEqual([...new Set(ticket.comments.slice(0, 2).map((c) => c.author_id))].sort());
    const meta = first.body.meta as { has_more: boolean; after_cursor: string };
    expect(meta.has_more).toBe(true);
    const second = await get(s, `/api/v2/tickets/3/comments?page[size]=2&page[after]=${meta.after_cursor}`);
    expect(ids(second.body, 'comments')).toEqual(ticket.comments.slice(2, 4).map((c) => c.id));
    expect((second.body.meta as { has_more: boolean }).has_more).toBe(false);

    const imageOf = (body: Record<string, unknown>): unknown[] => (body.comments as { attachments: { inline: boolean }[] }[]).flatMap((c) => c.attachments.filter((a) => a.inline));
    expect(imageOf(first.body)).toEqual([]);
    expect(imageOf((await get(s, '/api/v2/tickets/3/comments.json?include_inline_images=true')).body)).toHaveLength(1);
    expect((await get(s, '/api/v2/tickets/5/comments.json')).status).toBe(404);
  });

  it('a content_url wants the credential and answers 302 to a one-use link on another host', async () => {
    const s = await start({ fileEvery: 1 });
    const [link, bytes] = [...s.fileBytes][0] ?? [];
    if (link === undefined || bytes === undefined) throw new Error('no file');
    expect((await request(link)).statusCode).toBe(401);
    const answer = await request(link, { headers: { authorization: s.authorization } });
    expect(answer.statusCode).toBe(302);
    const location = String(answer.headers.location);
    expect(new URL(location).origin).toBe(s.files.temporaryUrl);
    const file = await request(location);
    expect(Buffer.from(await file.body.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await request(location)).statusCode).toBe(403);
  });
});
