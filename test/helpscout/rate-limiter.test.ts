import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/helpscout/rate-limiter.ts';

let limiter: RateLimiter | undefined;
// The limiter's clock and timers are faked: "nothing before the pause ends" cannot depend on
// how fast this machine runs the test.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  limiter?.stop();
  vi.useRealTimers();
});

/** Schedules `count` tasks of `units` each; the returned list fills as tasks start. */
function flood(l: RateLimiter, count: number, units: number, onStart: () => void = () => undefined): { started: number[] } {
  const started: number[] = [];
  for (let i = 0; i < count; i++) {
    void l
      .schedule(units, () => {
        started.push(i);
        onStart();
        return Promise.resolve();
      })
      .catch(() => undefined);
  }
  return { started };
}

/** Lets `ms` of the faked clock pass, running what falls due in it. */
const settle = async (ms = 150): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

describe('rate limiter', () => {
  it('spends no more than its budget in a window, writes weighing 2', async () => {
    limiter = new RateLimiter({ units: 10, windowMs: 60_000 });
    const { started } = flood(limiter, 8, 2);
    await settle();
    expect(started).toHaveLength(5);
  });

  it('keeps to its own budget when the server says more is left (another plan, a shared account)', async () => {
    const l = (limiter = new RateLimiter({ units: 10, windowMs: 60_000 }));
    // Each response says the account has 790 units left: our budget of 10 still rules.
    const { started } = flood(l, 30, 1, () => {
      l.observe(790, 800);
    });
    await settle();
    expect(started).toHaveLength(10);
  });

  it('never spends more than X-RateLimit-Remaining-Minute says is left', async () => {
    const l = (limiter = new RateLimiter({ units: 100, windowMs: 60_000 }));
    await l.schedule(1, () => Promise.resolve());
    // Other apps spent most of the window: the first response says 3 units are left.
    l.observe(3, 100);
    const { started } = flood(l, 20, 1);
    await settle();
    expect(started).toHaveLength(3);
  });

  it('a 429 pauses every later request until Retry-After has passed, then resumes', async () => {
    const l = (limiter = new RateLimiter({ units: 1_000, windowMs: 60_000 }));
    l.pause(400);
    expect(l.paused).toBe(true);
    const { started } = flood(l, 3, 1);
    await settle(150);
    expect(started).toHaveLength(0);
    await settle(600);
    expect(started).toHaveLength(3);
    expect(l.stats.pauses).toBe(1);
  });
});
