import { describe, expect, it } from 'vitest';
import { ManualClock, note, startTestSimulator } from './helpers.ts';

const remaining = (r: Response) => Number(r.headers.get('x-ratelimit-remaining-minute'));

async function limitedSimulator(unitsPerWindow: number, windowSeconds = 60) {
  // Aligned to a window start, so "seconds until reset" is exact.
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const sim = await startTestSimulator(
    { rateLimit: { unitsPerWindow, windowSeconds }, maxBodyBytes: 1_000_000, conversations: [{ id: 1001 }] },
    { clock },
  );
  return { sim, clock };
}

describe('rate limits', () => {
  it('"X-RateLimit-Limit-Minute" and "X-RateLimit-Remaining-Minute" on every API response, errors included', async () => {
    const { sim } = await limitedSimulator(200);
    const responses = [
      await sim.api('GET', '/v2/conversations/1001'),
      await sim.api('GET', '/v2/conversations/9999'),
      await sim.api('POST', '/v2/conversations/1001/notes', {}),
      await sim.api('GET', '/v2/nothing-here'),
      await sim.request('/v2/conversations/1001'),
    ];
    const tooLarge = await sim.api('POST', '/v2/conversations/1001/notes', note({ text: 'x'.repeat(2_000_000) }));
    expect(tooLarge.status).toBe(413);
    responses.push(tooLarge);
    await sim.control('POST', 'config', { faults: { serverErrorRate: 1, on: 'all' } });
    const injected = await sim.api('GET', '/v2/conversations/1001');
    expect(injected.status).toBeGreaterThanOrEqual(500);
    responses.push(injected);
    for (const response of responses) {
      expect(response.headers.get('x-ratelimit-limit-minute')).toBe('200');
      expect(response.headers.get('x-ratelimit-remaining-minute')).not.toBeNull();
    }
  });

  it('"Write requests (POST, PUT, DELETE, PATCH) count as 2 requests"; GET counts 1', async () => {
    const { sim } = await limitedSimulator(200);
    expect(remaining(await sim.api('GET', '/v2/conversations/1001'))).toBe(199);
    expect(remaining(await sim.api('POST', '/v2/conversations/1001/notes', note()))).toBe(197);
    expect(remaining(await sim.api('HEAD', '/v2/conversations/1001'))).toBe(196);
    expect(sim.state.counters.unitsSpent).toBe(4);
  });

  it('a 401 spends nothing (no account to charge)', async () => {
    const { sim } = await limitedSimulator(200);
    expect(remaining(await sim.request('/v2/conversations/1001'))).toBe(200);
    expect(remaining(await sim.api('GET', '/v2/conversations/1001'))).toBe(199);
  });

  it('"Response code 429 is returned when the throttle limit has been reached", with X-RateLimit-Retry-After', async () => {
    const { sim, clock } = await limitedSimulator(4);
    clock.advance(20.5);
    expect((await sim.api('POST', '/v2/conversations/1001/notes', note())).status).toBe(201);
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    // 1 unit left: a write (2) does not fit.
    const refused = await sim.api('POST', '/v2/conversations/1001/notes', note());
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ message: 'API rate limit exceeded' });
    expect(refused.headers.get('x-ratelimit-retry-after')).toBe('40');
    expect(remaining(refused)).toBe(1);
    // The refused request spent nothing: the last unit still buys a GET.
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(429);
    expect(sim.state.counters.rateLimited).toBe(2);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(1);
  });

  it('X-RateLimit-Retry-After is the seconds until the window resets, rounded up, at least 1', async () => {
    const { sim, clock } = await limitedSimulator(1);
    await sim.api('GET', '/v2/conversations/1001');
    clock.advance(59.9);
    const refused = await sim.api('GET', '/v2/conversations/1001');
    expect(refused.headers.get('x-ratelimit-retry-after')).toBe('1');
  });

  it('the budget is per account: fixed windows, every token shares it, a new window refills it', async () => {
    const { sim, clock } = await limitedSimulator(2);
    const other = await sim.token();
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
    const viaOther = await sim.request('/v2/conversations/1001', { headers: { authorization: `Bearer ${other}` } });
    expect(viaOther.status).toBe(200);
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(429);
    clock.advance(60);
    const refilled = await sim.api('GET', '/v2/conversations/1001');
    expect(refilled.status).toBe(200);
    expect(remaining(refilled)).toBe(1);
  });

  it('the window is configurable (short windows for tests)', async () => {
    const { sim, clock } = await limitedSimulator(1, 2);
    await sim.api('GET', '/v2/conversations/1001');
    const refused = await sim.api('GET', '/v2/conversations/1001');
    expect(refused.headers.get('x-ratelimit-retry-after')).toBe('2');
    clock.advance(2);
    expect((await sim.api('GET', '/v2/conversations/1001')).status).toBe(200);
  });

  it('rateLimit null (or 0 units) is unlimited, and still sends the headers with a large limit', async () => {
    for (const rateLimit of [null, { unitsPerWindow: 0, windowSeconds: 60 }]) {
      const sim = await startTestSimulator({ rateLimit, conversations: [{ id: 1001 }] });
      const response = await sim.api('GET', '/v2/conversations/1001');
      expect(Number(response.headers.get('x-ratelimit-limit-minute'))).toBeGreaterThanOrEqual(100_000);
      expect(remaining(response)).toBeGreaterThan(0);
    }
  });
});
