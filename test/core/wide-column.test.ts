import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH } from '../../src/core/chunked-column.ts';
import { WideColumn } from '../../src/core/wide-column.ts';

const VALUES = [0, 1, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, 0.5, 1_700_000_000_123];

describe('wide column', () => {
  it('reads back every number exactly as written, whether it fits 32 bits or not', () => {
    const column = new WideColumn();
    VALUES.forEach((v, i) => {
      column.set(i * 1000, v);
    });
    expect(VALUES.map((_, i) => column.get(i * 1000))).toEqual(VALUES);
    // Only the ones that do not fit a Uint32 below the marker are kept aside.
    expect(column.asideEntries().map(([, v]) => v)).toEqual([2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, 0.5, 1_700_000_000_123]);
  });

  it('forgets the aside value of a note written again with a small one', () => {
    const column = new WideColumn();
    column.set(5, 2 ** 40);
    column.set(5, 77);
    expect(column.get(5)).toBe(77);
    expect(column.asideEntries()).toEqual([]);
  });

  it('saved as Uint32 pieces plus the aside entries, and adopted again, gives back the same numbers past a chunk', () => {
    const column = new WideColumn();
    const n = CHUNK_LENGTH + 100;
    const valueOf = (i: number): number => (i % 1000 === 0 ? 2 ** 33 + i : i * 3);
    for (let i = 0; i < n; i++) column.set(i, valueOf(i));
    const small = Uint32Array.from([...column.pieces(n)].flatMap((p) => [...p]));
    const copy = new WideColumn();
    copy.adopt(small, column.asideEntries());
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (copy.get(i) !== valueOf(i)) wrong.push(i);
    expect(wrong).toEqual([]);
  });
});
