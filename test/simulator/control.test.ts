import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dumpState, type CountersSnapshot, type StateDump } from '../../src/simulator/index.ts';
import { note, startTestSimulator, vndError } from './helpers.ts';

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
      customerThreadsCreated: 0,
      repliesCreated: 0,
      threadsNotImported: 0,
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

describe('control surface /__sim, runtime seeding and counters', () => {
  it('POST /__sim/conversations seeds N existing threads, a merged-into link and the too-old flag', async () => {
    const sim = await startTestSimulator();
    expect((await sim.control('POST', 'conversations', { id: 3001, threads: 99 })).status).toBe(201);
    expect((await sim.control('POST', 'conversations', { id: 3002, threads: 2, mergedInto: 1001 })).status).toBe(201);
    expect((await sim.control('POST', 'conversations', { id: 3003, threads: 1, tooOld: true })).status).toBe(201);
    const full = await sim.api('POST', '/v2/conversations/3001/notes', note());
    expect([full.status, (await vndError(full)).message]).toEqual([412, 'Locked conversation - maximum number of threads']);
    const merged = await sim.api('GET', '/v2/conversations/3002');
    expect([merged.status, merged.headers.get('location')]).toEqual([301, `${sim.url}/v2/conversations/1001`]);
    const old = await sim.api('POST', '/v2/conversations/3003/notes', note());
    expect([old.status, (await vndError(old)).message]).toEqual([412, 'Locked conversation - too old']);
    // A merge into nothing is refused like in a seed file.
    expect((await sim.control('POST', 'conversations', { id: 3004, mergedInto: 4242 })).status).toBe(400);
  });

  it('GET /__sim/counters counts the faults injected, by kind', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1001 }], faults: { serverErrorRate: 1 } });
    for (let i = 0; i < 3; i++) await sim.api('POST', '/v2/conversations/1001/notes', note());
    await sim.control('POST', 'config', { faults: { serverErrorRate: 0, lostResponseRate: 1 } });
    await sim.api('POST', '/v2/conversations/1001/notes', note()).catch(() => undefined);
    const counters = (await (await sim.control('GET', 'counters')).json()) as CountersSnapshot;
    expect(counters.faults).toEqual({ serverError: 3, reset: 0, lostResponse: 1, latency: 0 });
    expect(counters.requests['POST /v2/conversations/{id}/notes']).toMatchObject({ lost: 1 });
  });

  it('GET /__sim/counters reports requests in flight and the peak concurrency', async () => {
    const sim = await startTestSimulator();
    const token = await sim.token();
    // Five requests whose bodies are held back stay in flight until the test releases them.
    const held = Array.from({ length: 5 }, () => holdRequest(sim.url, token));
    const counters = async () => (await (await sim.control('GET', 'counters')).json()) as CountersSnapshot;
    await expect.poll(async () => (await counters()).inFlight, { timeout: 10_000 }).toBe(5);
    expect((await counters()).peakConcurrency).toBeGreaterThanOrEqual(5);
    const statuses = await Promise.all(held.map((h) => h.release()));
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    await expect.poll(async () => (await counters()).inFlight, { timeout: 10_000 }).toBe(0);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(5);
  });
});

/** A Create Note whose last body byte is sent only on release(); resolves to the status code. */
function holdRequest(url: string, token: string): { release(): Promise<number> } {
  const body = JSON.stringify(note());
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  const answered = new Promise<number>((resolve, reject) => {
    socket.on('data', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      if (status !== undefined) resolve(Number(status));
    });
    socket.on('error', reject);
  });
  socket.write(
    `POST /v2/conversations/1001/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, -1)}`,
  );
  return {
    release: async () => {
      socket.write(body.slice(-1));
      const status = await answered;
      socket.destroy();
      return status;
    },
  };
}
