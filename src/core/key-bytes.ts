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

/** An arena laid bare for saving between runs: every entry's bytes, and where each ends. */
export interface ByteArenaColumns {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/**
 * Strings as bytes, each with a dense id in the order appended: one growing buffer, no string
 * per entry. A string's bytes are its UTF-8, what the log holds between quotes, so a key read
 * from the log's bytes and the same key given as a string match.
 */
export class ByteArena {
  private bytes: Buffer = Buffer.alloc(1 << 16);
  private used = 0;
  /** Per id: where its bytes end (they start where the previous id's end). */
  private ends: Uint32Array = new Uint32Array(1 << 10);
  private count = 0;
  private scratch: Buffer = Buffer.alloc(256);

  /** An arena holding saved columns as they are (views, no copy): appending past them copies. */
  static fromColumns(columns: ByteArenaColumns): ByteArena {
    const arena = new ByteArena();
    arena.bytes = Buffer.from(columns.bytes.buffer, columns.bytes.byteOffset, columns.bytes.byteLength);
    arena.used = columns.bytes.length;
    arena.ends = columns.ends;
    arena.count = columns.ends.length;
    return arena;
  }

  get size(): number {
    return this.count;
  }

  /** The arena laid bare for saving: no copies. */
  columns(): ByteArenaColumns {
    return { bytes: this.bytes.subarray(0, this.used), ends: this.ends.subarray(0, this.count) };
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
    if (this.count === this.ends.length) {
      const ends = new Uint32Array(Math.max(1 << 10, this.count * 2));
      ends.set(this.ends);
      this.ends = ends;
    }
    this.used += length;
    this.ends[this.count++] = this.used;
    return folded(hash);
  }

  /** hashBytes of entry `id`. */
  hash(id: number): number {
    return hashBytes(this.bytes, this.start(id), this.end(id));
  }

  /** Whether entry `id` holds exactly `buffer[start, end)`. */
  equals(id: number, buffer: Uint8Array, start: number, end: number): boolean {
    const at = this.start(id);
    const length = end - start;
    if (this.end(id) - at !== length) return false;
    for (let i = 0; i < length; i++) if (this.bytes[at + i] !== buffer[start + i]) return false;
    return true;
  }

  /** Whether entries `a` and `b` hold the same bytes. */
  same(a: number, b: number): boolean {
    return this.equals(a, this.bytes, this.start(b), this.end(b));
  }

  /** The string of entry `id`. */
  text(id: number): string {
    const start = this.start(id);
    const end = this.end(id);
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

  private start(id: number): number {
    return id === 0 ? 0 : (this.ends[id - 1] ?? 0);
  }

  private end(id: number): number {
    return this.ends[id] ?? 0;
  }
}

function grownBuffer(buffer: Buffer, needed: number): Buffer {
  let length = Math.max(1 << 16, buffer.length * 2);
  while (length < needed) length *= 2;
  const bigger = Buffer.alloc(length);
  buffer.copy(bigger);
  return bigger;
}
