import { ByteArena, hashBytes, type ByteArenaColumns } from './key-bytes.ts';

const EMPTY = 0;

/** What replay tells about a set of keys: the run asks about each note's key. */
export interface KeyLookup {
  has(key: string): boolean;
  readonly size: number;
}

/**
 * Open addressing over the ids of a ByteArena. Two numbers per slot: id + 1 (EMPTY where free)
 * and the hash, side by side so a probe that misses reads one cache line. The slot count is a
 * power of two, at most half of them used.
 */
export class HashSlots {
  private slots: Int32Array;
  private used = 0;

  /** `expected`: how many ids to make room for up front (growing costs a pass over the table). */
  constructor(expected: number) {
    let slots = 1 << 11;
    while (slots < expected * 2) slots *= 2;
    this.slots = new Int32Array(2 * slots);
  }

  /** The id in `arena` holding `buffer[start, end)` (of this hash), or -1. */
  find(arena: ByteArena, buffer: Uint8Array, start: number, end: number, hash: number): number {
    const { slots } = this;
    const mask = slots.length / 2 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = slots[2 * slot] ?? EMPTY;
      if (held === EMPTY) return -1;
      if (slots[2 * slot + 1] === hash && arena.equals(held - 1, buffer, start, end)) return held - 1;
    }
  }

  /** Adds an id known not to be in the table yet. */
  place(id: number, hash: number): void {
    put(this.slots, id, hash);
    if (++this.used * 4 > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2);
      for (let slot = 0; slot < old.length; slot += 2) {
        const held = old[slot] ?? EMPTY;
        if (held !== EMPTY) put(this.slots, held - 1, old[slot + 1] ?? 0);
      }
    }
  }
}

function put(slots: Int32Array, id: number, hash: number): void {
  const mask = slots.length / 2 - 1;
  let slot = hash & mask;
  while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
  slots[2 * slot] = id + 1;
  slots[2 * slot + 1] = hash;
}

/**
 * A set of strings held as bytes (a ByteArena behind HashSlots), each with a dense id in the
 * order added. Replay keeps the steps of open intents in one, added straight from the log's
 * bytes: no string per step. The hash slots are built on the first lookup and can be let go
 * (`dropLookups`) once only ids are read: for a million keys they are 16 MB.
 */
export class KeySet implements KeyLookup {
  private lookups: HashSlots | undefined;

  constructor(
    private readonly expected = 0,
    private readonly arena = new ByteArena(),
  ) {}

  /** A set holding saved columns (views, no copy; its hash slots are built from the bytes when first needed). */
  static fromColumns(columns: ByteArenaColumns): KeySet {
    return new KeySet(0, ByteArena.fromColumns(columns));
  }

  /** The keys laid bare for saving: no copies. */
  columns(): ByteArenaColumns {
    return this.arena.columns();
  }

  get size(): number {
    return this.arena.size;
  }

  has(key: string): boolean {
    return this.idOf(key) >= 0;
  }

  /** The id of a key, or -1. */
  idOf(key: string): number {
    const { buffer, length } = this.arena.encode(key);
    return this.idOfBytes(buffer, 0, length);
  }

  /** The id of the key whose bytes are `buffer[start, end)`, or -1. */
  idOfBytes(buffer: Uint8Array, start: number, end: number): number {
    return this.slotsBuilt().find(this.arena, buffer, start, end, hashBytes(buffer, start, end));
  }

  /** The id of the key, added if new. */
  add(key: string): number {
    const { buffer, length } = this.arena.encode(key);
    return this.addBytes(buffer, 0, length);
  }

  /** The id of the key whose bytes are `buffer[start, end)`, added if new. */
  addBytes(buffer: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(buffer, start, end);
    const slots = this.slotsBuilt();
    const found = slots.find(this.arena, buffer, start, end, hash);
    if (found >= 0) return found;
    this.arena.append(buffer, start, end);
    const id = this.arena.size - 1;
    slots.place(id, hash);
    return id;
  }

  /** Lets the hash slots go: ids and keys stay; the next lookup or add builds them again. */
  dropLookups(): void {
    this.lookups = undefined;
  }

  private slotsBuilt(): HashSlots {
    if (this.lookups === undefined) {
      this.lookups = new HashSlots(Math.max(this.expected, this.arena.size));
      for (let id = 0; id < this.arena.size; id++) this.lookups.place(id, this.arena.hash(id));
    }
    return this.lookups;
  }

  /** The key of an id. */
  key(id: number): string {
    return this.arena.text(id);
  }
}
