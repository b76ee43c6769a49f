import { describe, expect, it } from 'vitest';
import { note, startTestSimulator } from './helpers.ts';
import { rawExchange } from './raw-socket.ts';

describe('bad input never crashes or hangs the simulator', () => {
  it('a body above maxBodyBytes → 413, nothing stored (any request)', async () => {
    const sim = await startTestSimulator({ rateLimit: null, maxBodyBytes: 1000, conversations: [{ id: 1001 }] });
    const big = await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'x'.repeat(2000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ message: 'Request size limit exceeded' });
    const token = await sim.request('/v2/oauth2/token', { method: 'POST', body: 'x'.repeat(2000) });
    expect(token.status).toBe(413);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
    // Exactly at the limit is fine.
    const fits = JSON.stringify(note({ text: '' }));
    const exact = note({ text: 'y'.repeat(1000 - fits.length) });
    expect((await sim.api('POST', '/v2/conversations/1001/notes', exact)).status).toBe(201);
    expect(sim.state.counters.requestCount('POST /v2/conversations/{id}/notes', 413)).toBe(1);
  });

  it('a chunked body that grows past the limit → 413 without buffering it', async () => {
    const sim = await startTestSimulator({ rateLimit: null, maxBodyBytes: 1000, conversations: [{ id: 1001 }] });
    const token = await sim.token();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 50; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(100)));
        controller.close();
      },
    });
    const response = await sim.request('/v2/conversations/1001/notes', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
  });

  it('an absurd Content-Length → 413 at once, and the connection is closed', async () => {
    const sim = await startTestSimulator();
    const { text, closed } = await rawExchange(sim.url, [
      'POST /v2/conversations/1001/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{"te',
    ]);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(closed).toBe(true);
  });

  it('garbage that is not HTTP → 400 and a closed connection; the simulator keeps serving', async () => {
    const sim = await startTestSimulator();
    for (const garbage of ['GARBAGE\r\n\r\n', Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]), 'GET / HTTP/1.1\r\nBad Header\r\n\r\n']) {
      const { text, closed } = await rawExchange(sim.url, [garbage]);
      expect(text).toMatch(/^HTTP\/1\.1 400/);
      expect(closed).toBe(true);
    }
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
  });

  it('a client that hangs up mid-body does not break the simulator', async () => {
    const sim = await startTestSimulator();
    await rawExchange(
      sim.url,
      ['POST /v2/conversations/1001/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":'],
      50,
    );
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
  });

  it('an unknown route → 404; a known route with the wrong method → 405 with Allow', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('GET', '/v2/tickets')).status).toBe(404);
    expect((await sim.api('GET', '/v2/conversations/abc')).status).toBe(404);
    expect((await sim.api('GET', '/v2/conversations/99999999999999999999999')).status).toBe(404);
    expect((await sim.request('/favicon.ico')).status).toBe(404);
    const wrong = await sim.api('DELETE', '/v2/conversations/1001/notes');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const getToken = await sim.request('/v2/oauth2/token');
    expect(getToken.status).toBe(405);
  });

  it('random bodies and headers on every endpoint get a 4xx, never a 5xx or a hang', async () => {
    const sim = await startTestSimulator();
    const bodies = ['', '{', '"text"', '{"text": {"nested": true}}', '{"attachments": "no"}', '{"threads": [null, 1, "x"]}', '\u0000\u0001', '{"text":"x","user":1e309}'];
    const paths = ['/v2/conversations', '/v2/conversations/1001/notes', '/v2/conversations/1001', '/v2/conversations/1001/threads?page=-1'];
    for (const path of paths) {
      for (const body of bodies) {
        for (const method of ['POST', 'GET']) {
          const response = await sim.api(method, path, method === 'GET' ? undefined : body, { 'content-type': 'application/json' });
          expect(response.status, `${method} ${path} ${body}`).toBeLessThan(500);
        }
      }
    }
  });

  it.each(['/v2/conversations/1001/notes', '/v2/conversations'])(
    'POST %s: malformed JSON → 400, wrong content type → 415, missing bearer → 401, huge body → 413; nothing stored',
    async (path) => {
      const sim = await startTestSimulator({ rateLimit: null, maxBodyBytes: 4096, conversations: [{ id: 1001 }] });
      const token = await sim.token();
      const post = (headers: Record<string, string>, body: string) => sim.request(path, { method: 'POST', headers, body });
      const bearer = { authorization: `Bearer ${token}` };
      const malformed = await post({ ...bearer, 'content-type': 'application/json' }, '{"subject": ');
      expect([malformed.status, malformed.headers.get('content-type')]).toEqual([400, 'application/vnd.error+json']);
      expect((await post({ ...bearer, 'content-type': 'text/plain' }, '{}')).status).toBe(415);
      expect((await post(bearer, '{}')).status).toBe(415);
      expect((await post({ 'content-type': 'application/json' }, '{}')).status).toBe(401);
      expect((await post({ ...bearer, 'content-type': 'application/json' }, JSON.stringify({ text: 'x'.repeat(5000) }))).status).toBe(413);
      expect(sim.state.conversations.size).toBe(1);
      expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
      expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    },
  );
});
