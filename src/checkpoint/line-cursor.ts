const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const CLOSE_OBJECT = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Integers up to 15 digits are exact as doubles. */
const MAX_DIGITS = 15;
const EMPTY = new Uint8Array(0);

/** Start and end offsets of byte ranges, reused from line to line. */
export class Ranges {
  private offsets = new Int32Array(256);

  set(index: number, start: number, end: number): void {
    if (2 * index + 2 > this.offsets.length) {
      const bigger = new Int32Array(this.offsets.length * 2);
      bigger.set(this.offsets);
      this.offsets = bigger;
    }
    this.offsets[2 * index] = start;
    this.offsets[2 * index + 1] = end;
  }

  start(index: number): number {
    return this.offsets[2 * index] ?? 0;
  }

  end(index: number): number {
    return this.offsets[2 * index + 1] ?? 0;
  }
}

/**
 * Reads a line JSON.stringify wrote straight from its bytes, for the few layouts the checkpoint
 * writer emits: no decoding of the whole line, no JSON.parse, no object per line. It only
 * accepts what it fully understands (strings without escapes, integers, flat lists); anything
 * else is a miss, and the caller parses the line with JSON.parse.
 */
export class LineCursor {
  private buffer: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;

  /** Points the cursor at `buffer[start, end)`. */
  reset(buffer: Uint8Array, start: number, end: number): void {
    this.buffer = buffer;
    this.pos = start;
    this.end = end;
  }

  get at(): number {
    return this.pos;
  }

  /** Steps over `literal` if the line continues with it. */
  literal(literal: Uint8Array): boolean {
    if (!this.startsWith(literal)) return false;
    this.pos += literal.length;
    return true;
  }

  /** Whether the line continues with `literal` (not stepped over). */
  startsWith(literal: Uint8Array): boolean {
    if (this.pos + literal.length > this.end) return false;
    for (let i = 0; i < literal.length; i++) if (this.buffer[this.pos + i] !== literal[i]) return false;
    return true;
  }

  /** Steps over the rest of a string whose opening quote was read; where its text ends, or -1 (an escape, no end). */
  skipString(): number {
    const { buffer, end } = this;
    for (let i = this.pos; i < end; i++) {
      const byte = buffer[i];
      if (byte === QUOTE) {
        this.pos = i + 1;
        return i;
      }
      if (byte === BACKSLASH) return -1;
    }
    return -1;
  }

  /** `"a","b"]` after the opening bracket: each string's bytes into `ranges`; how many, or -1. */
  stringRanges(ranges: Ranges): number {
    let count = 0;
    if (this.byte(CLOSE_LIST)) return count;
    for (;;) {
      if (!this.byte(QUOTE)) return -1;
      const from = this.pos;
      const to = this.skipString();
      if (to < 0) return -1;
      ranges.set(count++, from, to);
      if (this.byte(CLOSE_LIST)) return count;
      if (!this.byte(COMMA)) return -1;
    }
  }

  /**
   * The rest of a flat object up to the line's end: `,"name":value` pairs, then `}`. Values are
   * integers, strings or lists of those. The integers of the fields named in `wanted` (as
   * `"name":`) land at their index in `values` (NaN where absent or not an integer). False
   * when the rest is anything else.
   */
  restOfObject(wanted: readonly Uint8Array[], values: Float64Array): boolean {
    values.fill(Number.NaN);
    while (this.byte(COMMA)) {
      let field = wanted.length - 1;
      while (field >= 0 && !this.literal(wanted[field] ?? EMPTY)) field--;
      if (field < 0 && (!this.byte(QUOTE) || this.skipString() < 0 || !this.byte(COLON))) return false;
      if (this.buffer[this.pos] === OPEN_LIST) {
        this.pos++;
        if (!this.list()) return false;
      } else {
        const value = this.scalar();
        if (value === undefined) return false;
        if (field >= 0) values[field] = value;
      }
    }
    return this.byte(CLOSE_OBJECT) && this.pos === this.end;
  }

  /** The rest of a list of scalars after its `[`, stepped over. */
  private list(): boolean {
    if (this.byte(CLOSE_LIST)) return true;
    do {
      if (this.scalar() === undefined) return false;
    } while (this.byte(COMMA));
    return this.byte(CLOSE_LIST);
  }

  /** An integer (its value) or a string without escapes (NaN), stepped over; undefined for anything else. */
  private scalar(): number | undefined {
    if (this.byte(QUOTE)) return this.skipString() < 0 ? undefined : Number.NaN;
    const negative = this.byte(MINUS);
    const from = this.pos;
    let value = 0;
    while (this.pos < this.end) {
      const byte = this.buffer[this.pos] ?? 0;
      if (byte < ZERO || byte > NINE) break;
      value = value * 10 + (byte - ZERO);
      this.pos++;
    }
    const digits = this.pos - from;
    // JSON has no leading zeros; a fraction or exponent goes to JSON.parse.
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && this.buffer[from] === ZERO)) return undefined;
    const next = this.buffer[this.pos];
    if (next !== COMMA && next !== CLOSE_LIST && next !== CLOSE_OBJECT) return undefined;
    return negative ? -value : value;
  }

  /** Steps over one byte if the line continues with it. */
  private byte(byte: number): boolean {
    if (this.pos >= this.end || this.buffer[this.pos] !== byte) return false;
    this.pos++;
    return true;
  }
}
