import { describe, expect, it } from 'vitest';
import { fetchAhead } from '../../src/sources/fetch-ahead.ts';

/** A fetch answered only when the test says so: order and overlap are driven by events, not time. */
function heldFetches(): { fetch: (item: number) => Promise<string>; answer: (item: number) => void; asked: number[] } {
  const answers = new Map<number, { promise: Promise<string>; resolve: (value: string) => void }>();
  const of = (item: number): { promise: Promise<string>; resolve: (value: string) => void } => {
    let resolve: (value: string) => void = () => undefined;
    const promise = new Promise<string>((done) => (resolve = done));
    const entry = answers.get(item) ?? { promise, resolve };
    answers.set(item, entry);
    return entry;
  };
  const asked: number[] = [];
  return {
    asked,
    fetch: (item) => {
      asked.push(item);
      return of(item).promise;
    },
    // An answer may come before the item is asked for: it is then answered at once.
    answer: (item) => {
      of(item).resolve(`answer ${item}`);
    },
  };
}

async function* numbers(count: number, gate?: Promise<void>): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    if (i === 3 && gate !== undefined) await gate;
    yield i;
  }
}

describe('fetchAhead', () => {
  it('keeps `ahead` fetches going and gives the answers in the items\' order, those already in grouped with the oldest', async () => {
    const held = heldFetches();
    const walk = fetchAhead(numbers(6), 3, held.fetch);
    const first = walk.next();
    // Answers come back in reverse: nothing is given before the oldest.
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.asked).toEqual([0, 1, 2]);
    held.answer(2);
    held.answer(1);
    held.answer(0);
    expect((await first).value).toEqual([0, 1, 2].map((item) => ({ item, result: `answer ${item}` })));
    const rest = walk.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.asked).toEqual([0, 1, 2, 3, 4, 5]);
    held.answer(3);
    expect((await rest).value).toEqual([{ item: 3, result: 'answer 3' }]);
    held.answer(5);
    held.answer(4);
    expect((await walk.next()).value).toEqual([4, 5].map((item) => ({ item, result: `answer ${item}` })));
    expect((await walk.next()).done).toBe(true);
  });

  it('an answer in is given while the source is still finding its next item (a list page, a rate cap)', async () => {
    const held = heldFetches();
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const walk = fetchAhead(numbers(4, gate), 8, held.fetch);
    const first = walk.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.asked).toEqual([0, 1, 2]);
    held.answer(0);
    expect((await first).value).toEqual([{ item: 0, result: 'answer 0' }]);
    open();
    held.answer(1);
    held.answer(2);
    held.answer(3);
    const groups = [];
    for await (const group of walk) groups.push(...group.map((g) => g.item));
    expect(groups).toEqual([1, 2, 3]);
  });

  it('a failed fetch fails the walk at its turn; one failing ahead of a stop goes unhandled nowhere', async () => {
    const failing = fetchAhead(numbers(3), 3, (item) => (item === 1 ? Promise.reject(new Error('HTTP 500')) : Promise.resolve(item)));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const group of failing) seen.push(...group.map((g) => g.result));
      })(),
    ).rejects.toThrow('HTTP 500');
    expect(seen).toEqual([0]);

    const stopped = fetchAhead(numbers(3), 3, (item) => (item === 2 ? Promise.reject(new Error('late')) : Promise.resolve(item)));
    for await (const group of stopped) {
      expect(group[0]?.item).toBe(0);
      break;
    }
  });
});
