/** A key index laid bare for saving between runs: the UTF-8 bytes of every key, and where each ends. */
export interface KeyIndexColumns {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

const EMPTY = 0;
/** Capacities are powers of two, so slot counts are too. */
const MIN_SLOTS = 1 << 10;

/**
 * Distinct strings numbered 0, 1, 2… in the order they came, packed as UTF-8 in one buffer with
 * an open-addressing hash over them. A million note keys cost about 30 MB this way; as a string
 * array plus a Set they cost about 80 MB, and a million live strings slow every full GC.
 */
export class KeyIndex {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 12);
  private used = 0;
  private ends = new Uint32Array(MIN_SLOTS);
  private hashes = new Int32Array(MIN_SLOTS);
  /** Index + 1 of the key in each slot; 0 is empty. Kept at most half full. */
  private slots = new Int32Array(MIN_SLOTS * 2);
  private count = 0;

  static fromColumns(columns: KeyIndexColumns): KeyIndex {
    const index = new KeyIndex();
    const n = columns.ends.length;
    index.bytes = Buffer.from(columns.bytes);
    index.used = n === 0 ? 0 : (columns.ends[n - 1] ?? 0);
    index.ends = new Uint32Array(Math.max(MIN_SLOTS, 2 ** Math.ceil(Math.log2(n + 1))));
    index.ends.set(columns.ends);
    index.hashes = new Int32Array(index.ends.length);
    index.slots = new Int32Array(slotsFor(index.ends.length));
    index.count = n;
    for (let i = 0; i < n; i++) {
      const hash = hashOf(index.get(i));
      index.hashes[i] = hash;
      index.place(i, hash);
    }
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** The key's number: its existing one, or the next when it is new. */
  intern(key: string): number {
    const hash = hashOf(key);
    const found = this.find(key, hash);
    if (found >= 0) return found;
    if (this.bytes.length - this.used < key.length * 3) this.growBytes(key.length * 3);
    this.used += this.bytes.write(key, this.used, 'utf8');
    const index = this.count++;
    if (index >= this.ends.length) this.grow();
    this.ends[index] = this.used;
    this.hashes[index] = hash;
    this.place(index, hash);
    return index;
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  get(index: number): string {
    if (index < 0 || index >= this.count) return '';
    return this.bytes.toString('utf8', this.start(index), this.ends[index]);
  }

  columns(): KeyIndexColumns {
    return { bytes: this.bytes.subarray(0, this.used), ends: this.ends.subarray(0, this.count) };
  }

  private find(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? EMPTY;
      if (entry === EMPTY) return -1;
      // Decoded only when the 32-bit hashes agree: for a repeat, or about once in 4 billion.
      if (this.hashes[entry - 1] === hash && this.get(entry - 1) === key) return entry - 1;
    }
  }

  private place(index: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while ((this.slots[slot] ?? EMPTY) !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  private start(index: number): number {
    return index === 0 ? 0 : (this.ends[index - 1] ?? 0);
  }

  private grow(): void {
    const capacity = this.ends.length * 2;
    const ends = new Uint32Array(capacity);
    ends.set(this.ends);
    this.ends = ends;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    this.slots = new Int32Array(slotsFor(capacity));
    for (let i = 0; i < this.count; i++) this.place(i, this.hashes[i] ?? 0);
  }

  private growBytes(atLeast: number): void {
    // 1.5×, not 2×: the arena is the largest part, and a doubling copy briefly holds both.
    const bigger = Buffer.allocUnsafe(Math.max(this.used + atLeast, Math.ceil(this.bytes.length * 1.5)));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }
}

/** Twice the keys it can hold (at most half full), a power of two (slots are found by masking). */
const slotsFor = (capacity: number): number => capacity * 2;

/** FNV-1a over UTF-16 code units, mixed so that the low bits (the slot) depend on every unit. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) ^ (hash >>> 12);
}
