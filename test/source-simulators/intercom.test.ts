import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntercomSim, type IntercomSim, type IntercomSimOptions } from '../../src/source-simulators/intercom.ts';

let sim: IntercomSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<IntercomSimOptions> = {}): Promise<IntercomSim> {
  sim = await startIntercomSim({ token: 'tok', conversations: 7, partsPerConversation: 6, ...options });
  return sim;
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

async function call(s: IntercomSim, path: string, body?: unknown, auth = s.authorization): Promise<Answer> {
  const response = await request(`${s.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: auth, 'intercom-version': '2.11', 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const ids = (answer: Answer): unknown[] => (answer.body.conversations as { id: unknown }[]).map((c) => c.id);
const since = (value: number): unknown => ({ field: 'updated_at', operator: '>', value });

describe('the Intercom simulator', () => {
  it('wants the access token as Bearer, and answers errors as an error.list', async () => {
    const s = await start();
    const refused = await call(s, '/conversations/1000', undefined, 'Bearer nope');
    expect(refused.status).toBe(401);
    const missing = await call(s, '/conversations/99');
    expect(missing).toMatchObject({ status: 404, body: { type: 'error.list', errors: [{ code: 'not_found' }] } });
  });

  it('pages a search by starting_after, oldest change first, and refuses pages over 150', async () => {
    const s = await start();
    const first = await call(s, '/conversations/search', { query: since(0), pagination: { per_page: 4 } });
    expect(ids(first)).toEqual(['1000', '1001', '1002', '1003']);
    expect(first.body).toMatchObject({ type: 'conversation.list', total_count: 7, pages: { page: 1, per_page: 4, total_pages: 2 } });
    const after = (first.body.pages as { next: { starting_after: string } }).next.starting_after;
    const second = await call(s, '/conversations/search', { query: since(0), pagination: { per_page: 4, starting_after: after } });
    expect(ids(second)).toEqual(['1004', '1005', '1006']);
    expect((second.body.pages as { next?: unknown }).next).toBeUndefined();
    // Search results carry no parts: only GET /conversations/{id} does.
    expect((second.body.conversations as Record<string, unknown>[])[0]?.conversation_parts).toBeUndefined();
    expect((await call(s, '/conversations/search', { query: since(0), pagination: { per_page: 151 } })).status).toBe(400);
    expect((await call(s, '/conversations/search', { query: { field: 'body', operator: '>', value: 1 } })).status).toBe(400);
  });

  it('finds only what changed after a time, a new reply moving its conversation to the end', async () => {
    const s = await start();
    const cut = s.conversations[4]?.updated_at ?? 0;
    expect(ids(await call(s, '/conversations/search', { query: since(cut), pagination: { per_page: 150 } }))).toEqual(['1005', '1006']);
    s.addReply('1001');
    const changed = await call(s, '/conversations/search', { query: { operator: 'AND', value: [since(cut), { field: 'created_at', operator: '<', value: 2e9 }] }, pagination: { per_page: 150 } });
    expect(ids(changed)).toEqual(['1005', '1006', '1001']);
  });

  it('names contacts by id in conversations and tells who they are at GET /contacts/{id}', async () => {
    const s = await start();
    const conversation = await call(s, '/conversations/1003');
    const listed = (conversation.body.contacts as { contacts: { id: string; external_id: string }[] }).contacts;
    expect(listed).toHaveLength(1);
    const contact = await call(s, `/contacts/${listed[0]?.id ?? ''}`);
    expect(contact.body).toMatchObject({ type: 'contact', id: listed[0]?.id, external_id: listed[0]?.external_id, email: 'customer3@example.com' });
    // Conversation 1000 is started by an admin: its customer is only its contact.
    expect((await call(s, '/conversations/1000')).body.source).toMatchObject({ delivered_as: 'admin_initiated', author: { type: 'admin' } });
  });

  it('states its budget in X-RateLimit-* headers and answers 429 beyond it', async () => {
    const s = await start({ limit: { requests: 2, windowMs: 60_000 } });
    const ok = await call(s, '/conversations/1000');
    expect(ok.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(Number(ok.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    await call(s, '/conversations/1000');
    const limited = await call(s, '/conversations/1000');
    expect(limited.status).toBe(429);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('serves upload links without a credential until they expire', async () => {
    const s = await start({ fileEvery: 1, linkUses: 1 });
    const upload = s.conversations[1]?.source.attachments[0];
    expect(upload).toMatchObject({ type: 'upload', content_type: 'application/pdf' });
    const url = upload?.url ?? '';
    const first = await request(url);
    expect(first.statusCode).toBe(200);
    expect(Buffer.from(await first.body.arrayBuffer()).equals(s.fileBytes.get(url) ?? Buffer.alloc(0))).toBe(true);
    const again = await request(url);
    await again.body.dump();
    expect(again.statusCode).toBe(403);
  });
});
