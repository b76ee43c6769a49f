/** One item of a walk and what its own requests brought. */
export interface Fetched<T, R> {
  readonly item: T;
  readonly result: R;
}

/**
 * A request sent ahead of its turn and awaited then: should it fail first (the walk stopped
 * meanwhile), the failure is no unhandled rejection; awaiting it still throws.
 */
export function sentAhead<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

const HEAD = Symbol('the oldest answer is in');
const headIn = (): typeof HEAD => HEAD;

/**
 * `fetch` of each item, up to `ahead` items fetched or fetching at once, given back in the items'
 * order: a group is the oldest item's answer plus those after it already in, so a writer slower
 * than the source takes many at a time and a faster one takes them one by one. The source is
 * kept busy (a ticket's comments need not wait for the previous ticket to be written) while the
 * output stays in the walk's order, so its files and cursors do not depend on timing.
 * A failed fetch fails the walk when its turn comes; stopping early leaves none unhandled.
 */
export async function* fetchAhead<T, R>(items: AsyncIterable<T>, ahead: number, fetch: (item: T) => Promise<R>): AsyncGenerator<Fetched<T, R>[]> {
  const iterator = items[Symbol.asyncIterator]();
  const window: { readonly item: T; readonly result: Promise<R>; answered: boolean }[] = [];
  // The source's next item, asked for and maybe still coming (a list page, a rate cap's wait).
  let pulling: Promise<IteratorResult<T>> | undefined;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < ahead) {
        pulling ??= iterator.next();
        const head = window[0];
        // An answer in must not wait for the source's next item.
        const next = head === undefined ? await pulling : await Promise.race([pulling, head.result.then(headIn, headIn)]);
        if (next === HEAD) break;
        pulling = undefined;
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const entry = { item: next.value, result: fetch(next.value), answered: false };
        // A failure is left for its turn (awaited as the oldest); until then it is handled here.
        entry.result.then(
          () => (entry.answered = true),
          () => undefined,
        );
        window.push(entry);
      }
      const group: Fetched<T, R>[] = [];
      for (let head = window[0]; head !== undefined && (group.length === 0 || head.answered); head = window[0]) {
        group.push({ item: head.item, result: await head.result });
        window.shift();
      }
      if (group.length === 0) return;
      yield group;
    }
  } finally {
    // With an item still coming, the source stops once it is in; nothing waits for it here.
    if (pulling === undefined) await iterator.return?.();
    else void iterator.return?.().catch(() => undefined);
  }
}
