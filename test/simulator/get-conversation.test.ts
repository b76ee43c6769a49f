import { describe, expect, it } from 'vitest';
import { ManualClock, anyNumber, anyObject, anyString, note, startTestSimulator } from './helpers.ts';

interface ConversationJson {
  id: number;
  threads: number;
  _embedded?: { threads: { id: number; createdAt: string }[] };
  [key: string]: unknown;
}

describe('GET /v2/conversations/{id}', () => {
  it('200 application/hal+json with the documented fields and "threads": the number of threads', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      conversations: [{ id: 1002, subject: 'Help', customerEmail: 'rob@acme.com', status: 'closed', threads: 2, tags: ['VIP'] }],
    });
    const response = await sim.api('GET', '/v2/conversations/1002');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/hal+json');
    const body = (await response.json()) as ConversationJson;
    expect(body).toMatchObject({
      id: 1002,
      number: anyNumber,
      threads: 2,
      type: 'email',
      status: 'closed',
      state: 'published',
      subject: 'Help',
      mailboxId: 1,
      createdAt: '2024-01-15T09:00:00Z',
      primaryCustomer: { id: anyNumber, type: 'customer', email: 'rob@acme.com' },
      tags: [{ id: anyNumber, tag: 'vip', color: anyString }],
      _links: { self: { href: `${sim.url}/v2/conversations/1002` }, threads: anyObject },
    });
    expect(body).not.toHaveProperty('_embedded');
  });

  it('?embed=threads adds _embedded.threads, newest first', async () => {
    const sim = await startTestSimulator();
    await sim.api('POST', '/v2/conversations/1002/notes', note({ createdAt: '2030-01-01T00:00:00Z' }));
    await sim.api('POST', '/v2/conversations/1002/notes', note({ createdAt: '2000-01-01T00:00:00Z' }));
    const body = (await (await sim.api('GET', '/v2/conversations/1002?embed=threads')).json()) as ConversationJson;
    const dates = body._embedded?.threads.map((t) => t.createdAt);
    expect(dates).toEqual(['2030-01-01T00:00:00Z', '2024-01-15T10:00:00Z', '2024-01-15T09:00:00Z', '2000-01-01T00:00:00Z']);
    expect(body.threads).toBe(4);
  });

  it('unknown id → 404', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('GET', '/v2/conversations/31337')).status).toBe(404);
  });

  it('"will return a HTTP 301 Moved Permanently … Location header with the URI of the new conversation"', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1004, threads: 1, mergedInto: 1005 }, { id: 1005, threads: 2 }] });
    const response = await sim.api('GET', '/v2/conversations/1004');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`${sim.url}/v2/conversations/1005`);
    expect(response.headers.get('x-ratelimit-remaining-minute')).not.toBeNull();
    // The merged conversation's threads now live in the one it was merged into.
    const into = (await (await sim.api('GET', '/v2/conversations/1005')).json()) as ConversationJson;
    expect(into.threads).toBe(3);
  });

  it('merge chains A→B→C answer one hop per request', async () => {
    const sim = await startTestSimulator({
      rateLimit: null,
      conversations: [{ id: 1, mergedInto: 2 }, { id: 2, mergedInto: 3 }, { id: 3 }],
    });
    const first = await sim.api('GET', '/v2/conversations/1');
    expect(first.headers.get('location')).toBe(`${sim.url}/v2/conversations/2`);
    const second = await sim.api('GET', '/v2/conversations/2');
    expect(second.headers.get('location')).toBe(`${sim.url}/v2/conversations/3`);
    expect((await sim.api('GET', '/v2/conversations/3')).status).toBe(200);
  });

  it('"After 60 days, the old conversation URL will return a 404 Not Found"', async () => {
    const clock = new ManualClock();
    const sim = await startTestSimulator(
      { rateLimit: null, tokens: { expiresInSeconds: 100 * 86_400 }, conversations: [{ id: 1, mergedInto: 2 }, { id: 2 }] },
      { clock },
    );
    clock.advance(60 * 86_400);
    expect((await sim.api('GET', '/v2/conversations/1')).status).toBe(301);
    clock.advance(1);
    expect((await sim.api('GET', '/v2/conversations/1')).status).toBe(404);
  });
});
