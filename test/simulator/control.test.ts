import { describe, expect, it } from 'vitest';
import { dumpState, type StateDump } from '../../src/simulator/index.ts';
import { note, startTestSimulator } from './helpers.ts';

describe('control surface /__sim', () => {
  it('GET /__sim/state dumps conversations with their threads (oldest first) and counters, without auth', async () => {
    const sim = await startTestSimulator();
    await sim.api('POST', '/v2/conversations/1002/notes', note());
    const response = await sim.control('GET', 'state');
    expect(response.status).toBe(200);
    const dump = (await response.json()) as StateDump;
    expect(dump).toEqual(JSON.parse(JSON.stringify(dumpState(sim.state))));
    const c = dump.conversations.find((x) => x.id === 1002);
    expect(c?.threadCount).toBe(3);
    expect(c?.threads.map((t) => t.createdAt)).toEqual(['2020-05-04T10:11:12Z', '2024-01-15T09:00:00Z', '2024-01-15T10:00:00Z']);
    expect(dump.counters.requests['POST /v2/conversations/{id}/notes']).toEqual({ '201': 1 });
  });

  it('POST /__sim/conversations seeds one, in the seed file shape', async () => {
    const sim = await startTestSimulator();
    const created = await sim.control('POST', 'conversations', { id: 2001, subject: 'Seeded', customerEmail: 's@example.com', threads: 4, tags: ['X'] });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 2001 });
    const body = (await (await sim.api('GET', '/v2/conversations/2001')).json()) as { threads: number; subject: string };
    expect(body).toMatchObject({ threads: 4, subject: 'Seeded' });
    const invalid = await sim.control('POST', 'conversations', { id: 'x', threads: -1 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { problems: string[] }).problems).toHaveLength(2);
    expect((await sim.control('POST', 'conversations', { id: 2001 })).status).toBe(400);
  });

  it('POST /__sim/merge {from, into}: threads move, counts add up, `from` then 301s and refuses notes', async () => {
    const sim = await startTestSimulator();
    expect((await sim.control('POST', 'merge', { from: 1002, into: 1001 })).status).toBe(204);
    const into = (await (await sim.api('GET', '/v2/conversations/1001')).json()) as { threads: number };
    expect(into.threads).toBe(2);
    const from = await sim.api('GET', '/v2/conversations/1002');
    expect(from.status).toBe(301);
    expect(from.headers.get('location')).toBe(`${sim.url}/v2/conversations/1001`);
    expect((await sim.api('POST', '/v2/conversations/1002/notes', note())).status).toBe(404);
    expect((await sim.control('POST', 'merge', { from: 1002, into: 1001 })).status).toBe(409);
    expect((await sim.control('POST', 'merge', { from: 1001, into: 1002 })).status).toBe(400);
  });

  it('POST /__sim/config patches rateLimit, tokens, maxBodyBytes at runtime; secrets are not echoed', async () => {
    const sim = await startTestSimulator();
    const patched = await sim.control('POST', 'config', { rateLimit: { unitsPerWindow: 10, windowSeconds: 2 }, maxBodyBytes: 50 });
    expect(patched.status).toBe(200);
    const text = await patched.text();
    expect(text).not.toContain('demo-app-secret');
    expect(JSON.parse(text)).toMatchObject({ rateLimit: { unitsPerWindow: 10, windowSeconds: 2 }, maxBodyBytes: 50 });
    const response = await sim.api('GET', '/v2/conversations/1001');
    expect(response.headers.get('x-ratelimit-limit-minute')).toBe('10');
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note())).status).toBe(413);
    // The control surface is not bound by the API's body limit, so it can always undo it.
    const restore = await sim.control('POST', 'config', { rateLimit: null, maxBodyBytes: 10_485_760, tokens: { expiresInSeconds: 172800 } });
    expect(restore.status).toBe(200);
    expect(Number((await sim.api('GET', '/v2/conversations/1001')).headers.get('x-ratelimit-limit-minute'))).toBeGreaterThan(10);
    expect((await sim.control('POST', 'config', { conversations: [] })).status).toBe(400);
    expect((await sim.control('POST', 'config', { maxBodyBytes: -1 })).status).toBe(400);
  });

  it('GET /__sim/counters: requests per endpoint and status, units, 429s, tokens; reset-counters clears them', async () => {
    const sim = await startTestSimulator({ rateLimit: { unitsPerWindow: 3, windowSeconds: 60 }, conversations: [{ id: 1001 }] });
    await sim.api('POST', '/v2/conversations/1001/notes', note());
    await sim.api('POST', '/v2/conversations/1001/notes', note());
    await sim.api('GET', '/v2/conversations/1001');
    await sim.control('GET', 'state');
    const counters = (await (await sim.control('GET', 'counters')).json()) as Record<string, unknown>;
    expect(counters).toMatchObject({
      requests: {
        'POST /v2/oauth2/token': { '200': 1 },
        'POST /v2/conversations/{id}/notes': { '201': 1, '429': 1 },
        'GET /v2/conversations/{id}': { '200': 1 },
      },
      unitsSpent: 3,
      rateLimited: 1,
      tokensIssued: 1,
      notesCreated: 1,
      faults: { serverError: 0, reset: 0, lostResponse: 0, latency: 0 },
    });
    expect(counters['peakConcurrency']).toBeGreaterThanOrEqual(1);
    expect((await sim.control('POST', 'reset-counters')).status).toBe(204);
    expect(((await (await sim.control('GET', 'counters')).json()) as { requests: object }).requests).toEqual({});
  });

  it('POST /__sim/expire-tokens: every issued token answers 401 afterwards', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    await sim.control('POST', 'expire-tokens');
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(401);
  });

  it('an unknown control endpoint → 404; malformed JSON → 400', async () => {
    const sim = await startTestSimulator();
    expect((await sim.control('GET', 'nope')).status).toBe(404);
    expect((await sim.request('/__sim/merge', { method: 'POST', body: '{' })).status).toBe(400);
  });
});
