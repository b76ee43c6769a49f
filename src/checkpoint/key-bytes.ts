const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** A lone surrogate has no UTF-8 form: such a string is stored as this byte (never in UTF-8), then UTF-16. */
const UTF16_MARK = 0xff;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const fnv = (hash: number, byte: number): number => Math.imul(hash ^ byte, FNV_PRIME);
/** FNV's low bits (table slots use those) mix poorly alone: the high bits are folded in. */
const folded = (hash: number): number => hash ^ (hash >>> 16);

/** FNV-1a of `buffer[start, end)`, folded. */
export function hashBytes(buffer: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = fnv(hash, buffer[i] ?? 0);
  return folded(hash);
}

/**
 * Strings as bytes, each with a dense id in the order appended: one growing buffer, no string
 * per entry. A string's bytes are its UTF-8, what the log holds between quotes, so a key read
 * from the log's bytes and the same key given as a string match.
 */
export class ByteArena {
  private bytes: Buffer = Buffer.alloc(1 << 16);
  private used = 0;
  /** Per id: where its bytes start, and how many. */
  private starts = new Float64Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private count = 0;
  private scratch: Buffer = Buffer.alloc(256);

  get size(): number {
    return this.count;
  }

  /** Appends `buffer[start, end)` as entry `size - 1`; returns its hashBytes, taken in the same pass. */
  append(buffer: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (this.used + length > this.bytes.length) this.bytes = grownBuffer(this.bytes, this.used + length);
    const { bytes, used } = this;
    let hash = FNV_OFFSET;
    for (let i = 0; i < length; i++) {
      const byte = buffer[start + i] ?? 0;
      bytes[used + i] = byte;
      hash = fnv(hash, byte);
    }
    if (this.count === this.starts.length) {
      const starts = new Float64Array(this.count * 2);
      starts.set(this.starts);
      this.starts = starts;
      const lengths = new Int32Array(this.count * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    this.starts[this.count] = used;
    this.lengths[this.count] = length;
    this.used += length;
    this.count++;
    return folded(hash);
  }

  /** Whether entry `id` holds exactly `buffer[start, end)`. */
  equals(id: number, buffer: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[id] !== length) return false;
    const at = this.starts[id] ?? 0;
    for (let i = 0; i < length; i++) if (this.bytes[at + i] !== buffer[start + i]) return false;
    return true;
  }

  /** Whether entries `a` and `b` hold the same bytes. */
  same(a: number, b: number): boolean {
    const start = this.starts[b] ?? 0;
    return this.equals(a, this.bytes, start, start + (this.lengths[b] ?? 0));
  }

  /** The string of entry `id`. */
  text(id: number): string {
    const start = this.starts[id] ?? 0;
    const end = start + (this.lengths[id] ?? 0);
    return this.bytes[start] === UTF16_MARK ? this.bytes.toString('utf16le', start + 1, end) : this.bytes.toString('utf8', start, end);
  }

  /** A string's bytes in a scratch buffer (valid until the next call), for lookups and appends. */
  encode(text: string): { buffer: Buffer; length: number } {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the UTF-16 form 2, after its mark.
    if (text.length * 3 + 1 > this.scratch.length) this.scratch = Buffer.alloc(text.length * 3 + 1);
    if (!LONE_SURROGATE.test(text)) return { buffer: this.scratch, length: this.scratch.write(text, 0, 'utf8') };
    this.scratch[0] = UTF16_MARK;
    return { buffer: this.scratch, length: 1 + this.scratch.write(text, 1, 'utf16le') };
  }
}

function grownBuffer(buffer: Buffer, needed: number): Buffer {
  let length = buffer.length * 2;
  while (length < needed) length *= 2;
  const bigger = Buffer.alloc(length);
  buffer.copy(bigger);
  return bigger;
}
