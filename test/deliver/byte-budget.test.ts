import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../src/deliver/byte-budget.ts';

/** Lets every promise that can settle now settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the body byte budget', () => {
  it('lets requests through while they fit, and the next one when bytes come back, first come first served', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const take = (name: string, bytes: number): Promise<() => void> =>
      budget.take(bytes).then((release) => {
        order.push(name);
        return release;
      });
    const a = take('a', 60);
    const b = take('b', 30);
    const c = take('c', 50);
    const d = take('d', 5);
    await settle();
    // d would fit, but c came first: nothing passes a waiting request.
    expect(order).toEqual(['a', 'b']);
    (await a)();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    (await b)();
    (await c)();
    (await d)();
  });

  it('sends a request larger than the whole budget alone, rather than never', async () => {
    const budget = new ByteBudget(100);
    const small = await budget.take(10);
    let bigGotIn = false;
    const big = budget.take(10_000).then((release) => {
      bigGotIn = true;
      return release;
    });
    await settle();
    expect(bigGotIn).toBe(false);
    small();
    await settle();
    expect(bigGotIn).toBe(true);
    let nextGotIn = false;
    const next = budget.take(1).then((release) => {
      nextGotIn = true;
      return release;
    });
    await settle();
    expect(nextGotIn).toBe(false);
    (await big)();
    // Returning twice gives nothing back twice.
    (await big)();
    await settle();
    expect(nextGotIn).toBe(true);
    (await next)();
  });
});
