import { ChunkedColumn } from './chunked-column.ts';

/** Marks a value kept in the map: the one Uint32 never stored as itself. */
const ASIDE = 0xffff_ffff;

/**
 * A column of numbers in 4 bytes each where they fit, exact where they do not. Help Scout ids
 * and spool offsets are whole numbers that are almost always below 2^32, yet nothing promises
 * it: a Float64 column spent 8 bytes on every one. Here a whole number in [0, 2^32 - 1) is a
 * Uint32; anything else (larger, negative, fractional) is kept aside in a map, so any number
 * reads back exactly as written (−0 as 0). Reads past what was written are 0.
 */
export class WideColumn {
  private readonly small = new ChunkedColumn<Uint32Array>((n) => new Uint32Array(n));
  private aside = new Map<number, number>();

  get(index: number): number {
    const value = this.small.get(index);
    return value === ASIDE ? (this.aside.get(index) ?? 0) : value;
  }

  set(index: number, value: number): void {
    // `>>> 0` gives back exactly the whole numbers in [0, 2^32).
    if (value >>> 0 === value && value !== ASIDE) {
      this.small.set(index, value);
      if (this.aside.size > 0) this.aside.delete(index);
    } else {
      this.small.set(index, ASIDE);
      this.aside.set(index, value);
    }
  }

  /** Takes saved values as they are (views, no copy), with the ones kept aside. */
  adopt(small: Uint32Array, aside: Iterable<readonly [number, number]>): void {
    this.small.adopt(small);
    this.aside = new Map(aside);
  }

  /** The first `length` Uint32 values as consecutive arrays, for saving (see ChunkedColumn.pieces). */
  pieces(length: number): Generator<Uint32Array> {
    return this.small.pieces(length);
  }

  /** The values kept aside, by index, for saving. */
  asideEntries(): [number, number][] {
    return [...this.aside];
  }
}
