import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH, ChunkedColumn } from '../../src/core/chunked-column.ts';

/** A column whose chunk allocations are counted (by length), to see what it really holds. */
function counted(): { column: ChunkedColumn<Float64Array>; made: number[] } {
  const made: number[] = [];
  const column = new ChunkedColumn((n) => {
    made.push(n);
    return new Float64Array(n);
  });
  return { column, made };
}

const joined = (pieces: Iterable<Float64Array>): number[] => [...pieces].flatMap((p) => [...p]);

describe('chunked column', () => {
  it('keeps every value across chunk boundaries, written in order past three chunks', () => {
    const { column } = counted();
    const n = 3 * CHUNK_LENGTH + 5;
    for (let i = 0; i < n; i++) column.set(i, i * 1.5 + 1);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (column.get(i) !== i * 1.5 + 1) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(column.get(n)).toBe(0);
    const pieces = [...column.pieces(n)];
    expect(pieces.map((p) => p.length)).toEqual([CHUNK_LENGTH, CHUNK_LENGTH, CHUNK_LENGTH, 5]);
    expect(pieces[3]?.[4]).toBe((n - 1) * 1.5 + 1);
  });

  it('holds numbers a 32-bit column could not: ids past 2^32 and epochs in milliseconds', () => {
    const { column } = counted();
    column.set(CHUNK_LENGTH - 1, 2 ** 53 - 1);
    column.set(CHUNK_LENGTH, 1_700_000_000_123);
    expect(column.get(CHUNK_LENGTH - 1)).toBe(2 ** 53 - 1);
    expect(column.get(CHUNK_LENGTH)).toBe(1_700_000_000_123);
  });

  it('grows its first chunk from small by doubling, and never copies a full chunk', () => {
    const { column, made } = counted();
    for (let i = 0; i < 2 * CHUNK_LENGTH + 1; i++) column.set(i, 1);
    const firstGrowth = made.filter((n) => n < CHUNK_LENGTH);
    expect(firstGrowth[0]).toBe(1024);
    firstGrowth.forEach((n, i) => {
      if (i > 0) expect(n).toBe(2 * (firstGrowth[i - 1] ?? 0));
    });
    // The first chunk reaches full size once; every later chunk is made once, full size.
    expect(made.filter((n) => n === CHUNK_LENGTH)).toHaveLength(3);
  });

  it('allocates nothing for a column only ever written zeros, and still reads and saves it as zeros', () => {
    const { column, made } = counted();
    for (let i = 0; i < 2 * CHUNK_LENGTH; i++) column.set(i, 0);
    expect(made).toEqual([]);
    expect(column.get(CHUNK_LENGTH + 3)).toBe(0);
    made.length = 0;
    expect(joined(column.pieces(CHUNK_LENGTH + 2)).every((v) => v === 0)).toBe(true);
    expect(joined(column.pieces(CHUNK_LENGTH + 2))).toHaveLength(CHUNK_LENGTH + 2);
  });

  it('writes a value into a chunk between two never written, and saves the gaps as zeros', () => {
    const { column } = counted();
    column.set(CHUNK_LENGTH + 7, 42);
    const values = joined(column.pieces(2 * CHUNK_LENGTH + 3));
    expect(values).toHaveLength(2 * CHUNK_LENGTH + 3);
    expect(values.filter((v) => v !== 0)).toEqual([42]);
    expect(values[CHUNK_LENGTH + 7]).toBe(42);
  });

  it('adopts saved values as views, and copies (leaving the saved array alone) when written past their end', () => {
    const saved = Float64Array.from({ length: CHUNK_LENGTH + 10 }, (_, i) => i);
    const { column, made } = counted();
    column.adopt(saved);
    expect(made).toEqual([]);
    expect(column.get(CHUNK_LENGTH + 9)).toBe(CHUNK_LENGTH + 9);
    column.set(CHUNK_LENGTH + 10, -1);
    expect(saved).toHaveLength(CHUNK_LENGTH + 10);
    expect(column.get(CHUNK_LENGTH + 10)).toBe(-1);
    expect(column.get(CHUNK_LENGTH + 9)).toBe(CHUNK_LENGTH + 9);
    expect(joined(column.pieces(CHUNK_LENGTH + 11))).toEqual([...Array.from({ length: CHUNK_LENGTH + 10 }, (_, i) => i), -1]);
  });
});
