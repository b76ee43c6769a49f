/**
 * Where one byte next occurs in a buffer, at or after a position that only moves forward (a
 * scan through the records of a chunk). Each occurrence is found by one native search (memchr),
 * not by a comparison per byte in JavaScript; the answer is kept until the scan passes it.
 */
export class ByteCursor {
  private buf: Buffer = Buffer.alloc(0);
  /** The occurrence last found; the buffer's length when there is none after the last search. */
  private at = -1;

  constructor(private readonly byte: number) {}

  /** Starts over on another buffer. */
  reset(buf: Buffer): void {
    this.buf = buf;
    this.at = -1;
  }

  /** The first occurrence at or after `position`, or the buffer's length. */
  from(position: number): number {
    if (this.at < position) {
      const at = this.buf.indexOf(this.byte, position);
      this.at = at < 0 ? this.buf.length : at;
    }
    return this.at;
  }
}
