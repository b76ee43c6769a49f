import { describe, expect, it } from 'vitest';
import { ManualClock, anyString, startTestSimulator } from './helpers.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CREDENTIALS = 'grant_type=client_credentials&client_id=demo-app-id&client_secret=demo-app-secret';

describe('POST /v2/oauth2/token', () => {
  it('client credentials, form-encoded: answers {token_type:"bearer", access_token, expires_in}', async () => {
    const sim = await startTestSimulator();
    const response = await sim.request('/v2/oauth2/token', { method: 'POST', headers: FORM, body: CREDENTIALS });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ token_type: 'bearer', access_token: anyString, expires_in: 172800 });
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('"you can choose to send data as JSON, form or query params": JSON works too', async () => {
    const sim = await startTestSimulator();
    const json = await sim.request('/v2/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'demo-app-id', client_secret: 'demo-app-secret' }),
    });
    expect(json.status).toBe(200);
    const query = await sim.request(`/v2/oauth2/token?${CREDENTIALS}`, { method: 'POST' });
    expect(query.status).toBe(200);
  });

  it('wrong credentials → 401 {error:"invalid_client", error_description}', async () => {
    const sim = await startTestSimulator();
    const response = await sim.request('/v2/oauth2/token', {
      method: 'POST',
      headers: FORM,
      body: 'grant_type=client_credentials&client_id=demo-app-id&client_secret=wrong',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: anyString });
  });

  it('an unsupported grant type → 400 unsupported_grant_type; no grant type → 400 invalid_request', async () => {
    const sim = await startTestSimulator();
    const refresh = await sim.request('/v2/oauth2/token', { method: 'POST', headers: FORM, body: 'grant_type=refresh_token&refresh_token=x' });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const none = await sim.request('/v2/oauth2/token', { method: 'POST', headers: FORM, body: 'client_id=demo-app-id' });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('the token endpoint is not rate limited and sends no rate-limit headers', async () => {
    const sim = await startTestSimulator({ rateLimit: { unitsPerWindow: 2, windowSeconds: 60 } });
    for (let i = 0; i < 5; i++) {
      const response = await sim.request('/v2/oauth2/token', { method: 'POST', headers: FORM, body: CREDENTIALS });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit-minute')).toBeNull();
    }
    expect(sim.state.counters.tokensIssued).toBe(5);
  });

  it('"Expiration will be indicated by the API responding with HTTP 401": a token expires after expires_in seconds', async () => {
    const clock = new ManualClock();
    const sim = await startTestSimulator({ rateLimit: null, tokens: { expiresInSeconds: 100 } }, { clock });
    const token = await sim.token();
    const get = () => sim.request('/v2/conversations', { headers: { authorization: `Bearer ${token}` } });
    clock.advance(99);
    expect((await get()).status).toBe(200);
    clock.advance(1);
    const expired = await get();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: 'invalid_token' });
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a token can be made to expire after a number of requests (then 401)', async () => {
    const sim = await startTestSimulator({ rateLimit: null, tokens: { expireAfterRequests: 2 } });
    const token = await sim.token();
    const get = () => sim.request('/v2/conversations', { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(401);
    const fresh = await sim.token();
    expect((await sim.request('/v2/conversations', { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  it('a missing or unknown bearer token → 401', async () => {
    const sim = await startTestSimulator();
    const missing = await sim.request('/v2/conversations/1001');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await sim.request('/v2/conversations/1001', { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    const basic = await sim.request('/v2/conversations/1001', { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
  });

  it('several tokens issued in a row all work', async () => {
    const sim = await startTestSimulator();
    const [a, b] = [await sim.token(), await sim.token()];
    expect(a).not.toBe(b);
    for (const token of [a, b]) {
      expect((await sim.request('/v2/conversations/1001', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });
});
