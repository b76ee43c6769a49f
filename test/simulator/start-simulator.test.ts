import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIAL, startSimulator } from '../../src/simulator/index.ts';

const tokenBody = `grant_type=client_credentials&client_id=${DEMO_CREDENTIAL.appId}&client_secret=${DEMO_CREDENTIAL.appSecret}`;

async function token(url: string): Promise<string> {
  const response = await fetch(`${url}/v2/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenBody,
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('startSimulator(options) → {url, state, close}', () => {
  it('serves on a loopback URL; state is the live account; close() frees the port', async () => {
    const sim = await startSimulator({ seed: { rateLimit: null, conversations: [{ id: 1 }] } });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${sim.url}/v2/conversations/1/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(sim.url)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(created.status).toBe(201);
    expect(sim.state.conversations.get(1)?.threads.map((t) => t.body)).toEqual(['hello']);
    await sim.close();
    await expect(fetch(`${sim.url}/v2/oauth2/token`, { method: 'POST' })).rejects.toThrow();
  });

  it('close() does not hang on a request held back by injected latency', async () => {
    const sim = await startSimulator({ seed: { rateLimit: null, conversations: [{ id: 1 }], faults: { latencyMs: 600_000, on: 'all' } } });
    const held = fetch(`${sim.url}/v2/conversations/1`, { headers: { authorization: `Bearer ${await token(sim.url)}` } }).catch(() => 'dropped');
    await expect.poll(() => sim.state.counters.inFlight, { timeout: 10_000 }).toBe(1);
    await sim.close();
    expect(await held).toBe('dropped');
  });
});
