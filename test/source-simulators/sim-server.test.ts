import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSourceSim, type RateState, type SimRequest, type SourceSim, type SourceSimOptions } from '../../src/source-simulators/sim-server.ts';

const AUTH = 'Bearer sim-test-token';
let sim: SourceSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const rateHeaders = (state: RateState): Record<string, string> => ({
  'x-ratelimit-remaining': String(state.remaining),
  ...(state.limited ? { 'retry-after': String(Math.ceil((state.resetAtMs - state.now) / 1000)) } : {}),
});

async function start(options: Partial<SourceSimOptions> = {}, handle?: (r: SimRequest) => { status: number; body?: unknown } | { reset: true } | { redirect: string }): Promise<SourceSim> {
  sim = await startSourceSim(handle ?? ((r) => ({ status: 200, body: { path: r.path, page: r.query.get('page') } })), {
    authorization: AUTH,
    limit: { requests: 100, windowMs: 60_000 },
    rateHeaders,
    ...options,
  });
  return sim;
}

async function get(path: string, authorization = AUTH): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  const response = await request(`${sim?.url ?? ''}${path}`, { headers: { authorization }, maxRedirections: 0 } as Parameters<typeof request>[1]);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) as unknown };
}

describe('the source simulator base', () => {
  it('answers the handler\'s JSON with the platform\'s rate headers, and records every request with its headers', async () => {
    await start();
    const answer = await get('/api/v2/tickets?page=2');
    expect(answer).toMatchObject({ status: 200, body: { path: '/api/v2/tickets', page: '2' } });
    expect(answer.headers['x-ratelimit-remaining']).toBe('99');
    expect(sim?.requests).toMatchObject([{ n: 1, method: 'GET', url: '/api/v2/tickets?page=2', status: 200, headers: { authorization: AUTH } }]);
  });

  it('answers 401 to any other Authorization, before the handler sees it', async () => {
    let handled = 0;
    await start({}, () => {
      handled++;
      return { status: 200 };
    });
    expect((await get('/x', 'Bearer wrong')).status).toBe(401);
    expect(handled).toBe(0);
  });

  it('answers 429 with Retry-After once the window\'s requests are spent, and counts it', async () => {
    await start({ limit: { requests: 2, windowMs: 60_000 } });
    expect((await get('/a')).status).toBe(200);
    expect((await get('/a')).headers['x-ratelimit-remaining']).toBe('0');
    const limited = await get('/a');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(sim?.count429).toBe(1);
  });

  it('fails the Nth request as configured: 503, then a reset', async () => {
    await start({ faults: new Map<number, 503 | 'reset'>([[1, 503], [2, 'reset']]) });
    expect((await get('/a')).status).toBe(503);
    await expect(get('/a')).rejects.toThrow();
    expect((await get('/a')).status).toBe(200);
    expect(sim?.requests.map((r) => r.status)).toEqual([503, 'reset', 200]);
  });

  it('redirects, and resets when the handler says so', async () => {
    await start({}, (r) => (r.path === '/moved' ? { redirect: '/elsewhere' } : { reset: true }));
    const moved = await get('/moved');
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe('/elsewhere');
    await expect(get('/gone')).rejects.toThrow();
  });

  it('tells listeners of each request as it arrives, and holds one unanswered when asked', async () => {
    await start();
    const seen: number[] = [];
    let secondArrived = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (secondArrived = resolve));
    sim?.onRequest((r) => {
      seen.push(r.n);
      if (r.n === 2) secondArrived();
    });
    if (sim) sim.hold = (r) => r.n === 2;
    expect((await get('/a')).status).toBe(200);
    const held = get('/a');
    await arrived;
    expect(sim?.requests[1]?.status).toBe('held');
    await sim?.close();
    sim = undefined;
    await expect(held).rejects.toThrow();
    expect(seen).toEqual([1, 2]);
  });
});
