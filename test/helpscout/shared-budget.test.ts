import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { connectSharedBudget, type SharedBudgetLimiter } from '../../src/helpscout/shared-budget.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';

let redis: RedisServer;
const limiters: SharedBudgetLimiter[] = [];
let keyNo = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
});
afterAll(async () => {
  await redis.stop();
});

async function limiter(units: number, windowMs: number, key: string, notices: string[] = []): Promise<SharedBudgetLimiter> {
  const l = await connectSharedBudget({ url: redis.url, key, units, windowMs, onNotice: (m) => notices.push(m) });
  limiters.push(l);
  return l;
}

/** Waits (bounded) for the start of a window with at least `needMs` of it ahead. */
async function freshWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 5));
}

describe('shared budget (real Redis)', () => {
  it('two processes on one key never spend more than the budget in any window together, writes weighing 2', async () => {
    const key = `k${++keyNo}`;
    const windowMs = 500;
    const [a, b] = [await limiter(20, windowMs, key), await limiter(20, windowMs, key)];
    const perWindow = new Map<number, number>();
    const flood = (l: SharedBudgetLimiter): Promise<void>[] =>
      Array.from({ length: 25 }, () =>
        l.schedule(2, () => {
          const w = Math.floor(Date.now() / windowMs);
          perWindow.set(w, (perWindow.get(w) ?? 0) + 2);
          return Promise.resolve();
        }),
      );
    await Promise.all([...flood(a), ...flood(b)]);
    expect([...perWindow.values()].reduce((n, u) => n + u, 0)).toBe(100);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(20);
    // Full windows are used in full: 100 units need 5 windows (and one partial first one at most).
    expect(perWindow.size).toBeLessThanOrEqual(6);
  }, 15_000);

  it('a 429 seen by one process pauses the other one until Retry-After', async () => {
    const key = `k${++keyNo}`;
    const [a, b] = [await limiter(1_000, 10_000, key), await limiter(1_000, 10_000, key)];
    await b.schedule(1, () => Promise.resolve());
    const pausedAt = Date.now();
    a.pause(700);
    // The pause reaches b through Redis before a moment ago's write settles: give it one round trip.
    await new Promise((resolve) => setTimeout(resolve, 50));
    let startedAt = 0;
    await b.schedule(1, () => {
      startedAt = Date.now();
      return Promise.resolve();
    });
    expect(startedAt - pausedAt).toBeGreaterThanOrEqual(690);
    expect(b.stats.pauses).toBe(1);
  }, 10_000);

  it('headers saying less is left than the counter thinks raise the counter for every process', async () => {
    const key = `k${++keyNo}`;
    const windowMs = 10_000;
    await freshWindow(windowMs, 4_000);
    const [a, b] = [await limiter(20, windowMs, key), await limiter(20, windowMs, key)];
    await a.schedule(2, () => Promise.resolve());
    // Another integration spent 10 of the window: the server says 8 are left.
    a.observe(8, 20, Date.now());
    const probe = new Redis(redis.url);
    try {
      const counterKey = `hs-import:budget:${key}:w:${Math.floor(Date.now() / windowMs)}`;
      for (let i = 0; i < 100 && Number(await probe.get(counterKey)) < 12; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(Number(await probe.get(counterKey))).toBe(12);
    } finally {
      probe.disconnect();
    }
    let started = 0;
    const tasks = Array.from({ length: 10 }, () => b.schedule(2, () => Promise.resolve(started++)));
    // What b can take this window: the 8 left, less the room kept for the other integration.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toBeLessThanOrEqual(4);
    const settled = Promise.allSettled(tasks);
    await b.stop();
    await settled;
  }, 15_000);

  it('Redis unreachable at start: a ConfigError (exit 2) naming the URL, without its password', async () => {
    const down = `redis://:hunter2-secret@127.0.0.1:${redis.port + 1}/0`;
    const error = await connectSharedBudget({ url: down, key: 'x', units: 10, windowMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`127.0.0.1:${redis.port + 1}`);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('target.sharedBudget in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-shared-config-'));
  writeFileSync(join(dir, 'notes.csv'), 'ticket,id,createdAt,text\n');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const raw = (sharedBudget: unknown): unknown => ({ source: { format: 'csv', path: 'notes.csv' }, target: { baseUrl: 'http://127.0.0.1:9', mailboxId: 1, sharedBudget } });
  const problems = (sharedBudget: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
    try {
      validateConfig(raw(sharedBudget), join(dir, 'c.json'), env);
      return [];
    } catch (error) {
      return [...(error as ConfigError).problems];
    }
  };

  it('takes the URL from the config or HS_IMPORT_REDIS_URL', () => {
    expect(validateConfig(raw({ redis: 'redis://127.0.0.1:6379/0', key: 'acme-helpscout' }), join(dir, 'c.json'), {}).sharedBudget).toEqual({ redis: 'redis://127.0.0.1:6379/0', key: 'acme-helpscout' });
    expect(validateConfig(raw({ key: 'acme' }), join(dir, 'c.json'), { HS_IMPORT_REDIS_URL: 'redis://:pw-from-env@10.0.0.5:6379' }).sharedBudget?.redis).toBe('redis://:pw-from-env@10.0.0.5:6379');
    expect(validateConfig(raw(undefined), join(dir, 'c.json'), {}).sharedBudget).toBeUndefined();
  });

  it('refuses a password in the config (never quoting it), a missing URL and a bad key', () => {
    const withPassword = problems({ redis: 'redis://:s3cret-pass@127.0.0.1:6379/0', key: 'acme' });
    expect(withPassword.join('\n')).toMatch(/target\.sharedBudget\.redis: .*password/);
    expect(withPassword.join('\n')).not.toContain('s3cret-pass');
    expect(problems({ key: 'acme' })).toEqual([expect.stringMatching(/^target\.sharedBudget\.redis: required/)]);
    expect(problems({ redis: 'http://127.0.0.1:6379', key: 'acme' }).join('\n')).toMatch(/redis:\/\//);
    expect(problems({ redis: 'redis://127.0.0.1:6379', key: 'a b' }).join('\n')).toMatch(/target\.sharedBudget\.key/);
  });
});
