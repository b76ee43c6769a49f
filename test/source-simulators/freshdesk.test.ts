import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFreshdeskSim, type FreshdeskSim } from '../../src/source-simulators/freshdesk.ts';

const KEY = 'sim-key';
const AUTH = `Basic ${Buffer.from(`${KEY}:X`).toString('base64')}`;

let sim: FreshdeskSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function get(url: string, authorization = AUTH): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const response = await request(url, { headers: { authorization } });
  const text = await response.body.text();
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)]));
  return { status: response.statusCode, headers, body: text === '' ? undefined : JSON.parse(text) };
}

const ids = (body: unknown): number[] => (body as { id: number }[]).map((t) => t.id);

describe('Freshdesk simulator: the documented API v2 behaviours the exporter relies on', () => {
  it('lists tickets as documented: 30 a page by default, newest created first, only the last 30 days without updated_since, a link to the next page', async () => {
    sim = await startFreshdeskSim({ apiKey: KEY, seed: { tickets: 70 } });
    const recent = await get(`${sim.apiUrl}/tickets`);
    // Seeded history is from 2019: nothing created in the last 30 days.
    expect(recent.body).toEqual([]);
    const first = await get(`${sim.apiUrl}/tickets?updated_since=2000-01-01T00:00:00Z`);
    expect(ids(first.body)).toEqual(Array.from({ length: 30 }, (_, i) => 70 - i));
    expect(first.headers.link).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/v2\/tickets\?updated_since=.*page=2>; rel="next"$/);
    const last = await get(`${sim.apiUrl}/tickets?updated_since=2000-01-01T00:00:00Z&page=3`);
    expect(ids(last.body)).toHaveLength(10);
    expect(last.headers.link).toBeUndefined();
  });

  it('embeds description and requester only when include asks, orders by updated_at ascending, and refuses pages past the cap and per_page over 100', async () => {
    sim = await startFreshdeskSim({ apiKey: KEY, seed: { tickets: 5 }, pageLimit: 2 });
    const bare = await get(`${sim.apiUrl}/tickets?updated_since=2000-01-01T00:00:00Z&order_by=updated_at&order_type=asc&per_page=2`);
    expect(ids(bare.body)).toEqual([1, 2]);
    for (const ticket of bare.body as Record<string, unknown>[]) expect(Object.keys(ticket)).not.toContain('description');
    for (const ticket of bare.body as Record<string, unknown>[]) expect(Object.keys(ticket)).not.toContain('requester');
    const full = await get(`${sim.apiUrl}/tickets?updated_since=2000-01-01T00:00:00Z&order_by=updated_at&order_type=asc&per_page=2&include=requester,description`);
    const first = (full.body as Record<string, unknown>[])[0];
    expect(first?.description).toBe('<div>Description of ticket 1</div>');
    expect(first?.requester).toMatchObject({ email: 'customer1@example.com' });
    const deep = await get(`${sim.apiUrl}/tickets?updated_since=2000-01-01T00:00:00Z&per_page=2&page=3`);
    expect(deep).toMatchObject({ status: 400, body: { description: 'Validation failed', errors: [{ field: 'page', code: 'invalid_value' }] } });
    expect((await get(`${sim.apiUrl}/tickets?per_page=101`)).status).toBe(400);
  });

  it('pages a ticket\'s conversations oldest first, 404 for an unknown ticket', async () => {
    sim = await startFreshdeskSim({ apiKey: KEY, seed: { tickets: 1, conversations: () => 35 } });
    const first = await get(`${sim.apiUrl}/tickets/1/conversations`);
    const times = (first.body as { created_at: string }[]).map((c) => c.created_at);
    expect(times).toHaveLength(30);
    expect(times).toEqual([...times].sort());
    expect(first.headers.link).toContain('page=2');
    expect((await get(`${sim.apiUrl}/tickets/1/conversations?page=2`)).body).toHaveLength(5);
    expect((await get(`${sim.apiUrl}/tickets/9/conversations`)).status).toBe(404);
  });

  it('wants the API key as Basic user with X as password; states its budget in X-RateLimit-* and answers 429 with Retry-After', async () => {
    sim = await startFreshdeskSim({ apiKey: KEY, seed: { tickets: 1 }, limit: { requests: 2, windowMs: 60_000 } });
    expect((await get(`${sim.apiUrl}/tickets`, `Basic ${Buffer.from(`${KEY}:wrong`).toString('base64')}`)).status).toBe(401);
    const ok = await get(`${sim.apiUrl}/tickets`);
    expect(ok.headers).toMatchObject({ 'x-ratelimit-total': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-used-currentrequest': '1' });
    await get(`${sim.apiUrl}/tickets`);
    const limited = await get(`${sim.apiUrl}/tickets`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('mints a presigned attachment link per answer, needing no credential, expired after its uses', async () => {
    sim = await startFreshdeskSim({ apiKey: KEY, seed: { tickets: 1, conversations: () => 0, attachmentEvery: 1 }, linkUses: 1 });
    const list = (): Promise<{ body: unknown }> => get(`${sim?.apiUrl ?? ''}/tickets?updated_since=2000-01-01T00:00:00Z`);
    const urlOf = (body: unknown): string => (body as { attachments: { attachment_url: string }[] }[])[0]?.attachments[0]?.attachment_url ?? '';
    const link = urlOf((await list()).body);
    const again = urlOf((await list()).body);
    expect(again).not.toBe(link);
    const file = await request(link);
    expect(file.statusCode).toBe(200);
    expect(Buffer.from(await file.body.arrayBuffer()).equals(sim.messages()[0]?.files[0]?.body ?? Buffer.alloc(0))).toBe(true);
    const expired = await request(link);
    await expired.body.text();
    expect(expired.statusCode).toBe(403);
    expect(sim.files.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
