export type NumberArray = Float64Array | Int32Array | Uint32Array;

/** Values per chunk: 512 kB of Float64. */
export const CHUNK_LENGTH = 1 << 16;
const SHIFT = 16;
const MASK = CHUNK_LENGTH - 1;
/** The first chunk starts this small and doubles up to CHUNK_LENGTH: a ten-note import needs no megabytes. */
const FIRST_LENGTH = 1024;

/**
 * A growing column of numbers in fixed chunks. A doubling array copies itself on every growth
 * and, until the old copy is collected, holds up to three times its values (all the table's
 * columns grow at the same note, so a million-note table briefly took 60 MB more); chunks are
 * never copied. A chunk only ever written zeros is never allocated, so a column `plan` leaves
 * empty (spool offsets) costs nothing. Reads past what was written are 0.
 */
export class ChunkedColumn<T extends NumberArray> {
  private chunks: (T | undefined)[] = [];

  constructor(private readonly make: (length: number) => T) {}

  /** Takes saved values as they are (views, no copy); a later `set` past the end of a view copies that chunk. */
  adopt(data: T): void {
    this.chunks = [];
    for (let start = 0; start < data.length; start += CHUNK_LENGTH) this.chunks.push(data.subarray(start, start + CHUNK_LENGTH) as T);
  }

  get(index: number): number {
    return this.chunks[index >>> SHIFT]?.[index & MASK] ?? 0;
  }

  set(index: number, value: number): void {
    const at = index & MASK;
    let chunk = this.chunks[index >>> SHIFT];
    if (chunk === undefined || at >= chunk.length) {
      // Unwritten values read as 0 already.
      if (value === 0) return;
      chunk = this.grow(index >>> SHIFT, at);
    }
    chunk[at] = value;
  }

  /**
   * The first `length` values as consecutive arrays, for saving: views of the chunks, and a
   * fresh zero-filled array for a chunk never allocated.
   */
  *pieces(length: number): Generator<T> {
    for (let c = 0; c * CHUNK_LENGTH < length; c++) {
      const wanted = Math.min(CHUNK_LENGTH, length - c * CHUNK_LENGTH);
      const chunk = this.chunks[c];
      if (chunk !== undefined && chunk.length >= wanted) {
        yield chunk.subarray(0, wanted) as T;
      } else {
        const filled = this.make(wanted);
        if (chunk !== undefined) filled.set(chunk);
        yield filled;
      }
    }
  }

  private grow(c: number, at: number): T {
    const old = this.chunks[c];
    let length = c === 0 ? Math.max(FIRST_LENGTH, old?.length ?? 0) : CHUNK_LENGTH;
    while (length <= at) length *= 2;
    const chunk = this.make(Math.min(length, CHUNK_LENGTH));
    if (old !== undefined) chunk.set(old);
    while (this.chunks.length < c) this.chunks.push(undefined);
    this.chunks[c] = chunk;
    return chunk;
  }
}
