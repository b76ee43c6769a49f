import { afterEach, describe, expect, it } from 'vitest';
import { HelpScoutClient } from '../../src/helpscout/client.ts';
import { Credentials } from '../../src/helpscout/credentials.ts';
import { poolTransport } from '../../src/helpscout/transport.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';

const APP = { appId: 'token-test-app', appSecret: 'token-test-secret-9d1e' };
let sim: RunningSimulator | undefined;
let client: HelpScoutClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
});

async function connect(tokens: { expiresInSeconds?: number; expireAfterRequests?: number | null }, credentials = APP): Promise<HelpScoutClient> {
  sim = await startSimulator({
    seed: { credentials: [APP], rateLimit: null, tokens, conversations: Array.from({ length: 10 }, (_, i) => ({ id: 100 + i })) },
  });
  client = new HelpScoutClient({
    transport: poolTransport(sim.url),
    credentials: new Credentials(credentials.appId, credentials.appSecret),
    rate: { units: 100_000, windowMs: 60_000 },
  });
  return client;
}

describe('OAuth token manager, over HTTP', () => {
  it('asks for one token however many requests start at once', async () => {
    const c = await connect({});
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.getConversation(100 + i)));
    expect(sim?.state.counters.snapshot().tokensIssued).toBe(1);
  });

  it('after a 401, in-flight requests share one renewal and all succeed', async () => {
    const c = await connect({ expireAfterRequests: 12 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.getConversation(100 + i)));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => c.getConversation(100 + i)));
    expect(results.every((r) => r.kind === 'found')).toBe(true);
    expect(sim?.state.counters.snapshot().tokensIssued).toBe(2);
    expect(c.stats.tokenRefreshes).toBeGreaterThan(0);
  });

  it('renews a token before it expires, without waiting for a 401', async () => {
    const c = await connect({ expiresInSeconds: 1 });
    await c.getConversation(100);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await c.getConversation(101);
    expect(sim?.state.counters.snapshot().tokensIssued).toBe(2);
    expect(c.stats.tokenRefreshes).toBe(0);
  });

  it('wrong credentials are fatal with a message naming the env vars, never the secret', async () => {
    const c = await connect({}, { appId: APP.appId, appSecret: 'not-the-secret-77' });
    const error = await c.getConversation(100).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe('auth_failed');
    expect(error?.message).toMatch(/HELPSCOUT_APP_ID/);
    expect(error?.message).toMatch(/HELPSCOUT_APP_SECRET/);
    expect(error?.message).not.toContain('not-the-secret-77');
  });
});
