import { ByteArena, hashBytes } from '../core/key-bytes.ts';
import { HashSlots, type KeyLookup } from '../core/key-set.ts';

/** Three passes of 11 bits sort 32-bit hashes. */
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;

/** The distinct keys (the id of each one's first occurrence), counts per tag, and the lookup table once asked for. */
interface Sealed {
  readonly firsts: Int32Array;
  readonly byTag: readonly number[];
  lookup?: HashSlots;
}

/**
 * Every key a log marks done, each occurrence with a small tag (what kind of step, what kind of
 * target), counted once per key by the tag of its first occurrence. Adding only appends (the
 * bytes to a ByteArena, the hash and tag to arrays): no hash table is probed while the log is
 * read. `seal` then sorts the occurrences by hash (radix sort: sequential passes) to find the
 * repeats. On a loaded machine the random probes of a table of a million keys were most of a
 * big replay's time; `status` needs the counts only, and the lookup table for `has` is built on
 * the first call (by a run, which asks about every note).
 */
export class KeyTally implements KeyLookup {
  private readonly arena = new ByteArena();
  private hashes = new Int32Array(1 << 10);
  private tags = new Uint8Array(1 << 10);
  private sealed: Sealed | undefined;

  /** An occurrence of the key whose UTF-8 bytes are `buffer[start, end)`; `tag` is below 256. */
  addBytes(buffer: Uint8Array, start: number, end: number, tag: number): void {
    // A key added after the counts were taken: they are taken again when next asked for.
    this.sealed = undefined;
    const id = this.arena.size;
    const hash = this.arena.append(buffer, start, end);
    if (id === this.hashes.length) {
      const hashes = new Int32Array(id * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const tags = new Uint8Array(id * 2);
      tags.set(this.tags);
      this.tags = tags;
    }
    this.hashes[id] = hash;
    this.tags[id] = tag;
  }

  add(key: string, tag: number): void {
    const { buffer, length } = this.arena.encode(key);
    this.addBytes(buffer, 0, length, tag);
  }

  /** Distinct keys. */
  get size(): number {
    return this.seal().firsts.length;
  }

  /** Distinct keys whose first occurrence had this tag. */
  count(tag: number): number {
    return this.seal().byTag[tag] ?? 0;
  }

  has(key: string): boolean {
    const sealed = this.seal();
    if (!sealed.lookup) {
      sealed.lookup = new HashSlots(sealed.firsts.length);
      for (const id of sealed.firsts) sealed.lookup.place(id, this.hashes[id] ?? 0);
    }
    const { buffer, length } = this.arena.encode(key);
    return sealed.lookup.find(this.arena, buffer, 0, length, hashBytes(buffer, 0, length)) >= 0;
  }

  private seal(): Sealed {
    if (this.sealed) return this.sealed;
    const n = this.arena.size;
    const { ids, hashes } = sortByHash(this.hashes, n);
    const firsts = new Int32Array(n);
    const byTag: number[] = [];
    let unique = 0;
    for (let group = 0; group < n; ) {
      let end = group + 1;
      while (end < n && hashes[end] === hashes[group]) end++;
      // Same hash: almost always the same key again; the bytes decide. The sort is stable, so
      // the first of a key in the group is its first occurrence in the log.
      const groupFirsts = unique;
      for (let i = group; i < end; i++) {
        const id = ids[i] ?? 0;
        let seen = false;
        for (let u = groupFirsts; u < unique && !seen; u++) seen = this.arena.same(firsts[u] ?? 0, id);
        if (seen) continue;
        firsts[unique++] = id;
        const tag = this.tags[id] ?? 0;
        byTag[tag] = (byTag[tag] ?? 0) + 1;
      }
      group = end;
    }
    this.sealed = { firsts: firsts.subarray(0, unique), byTag };
    return this.sealed;
  }
}

/** Ids 0..n-1 in order of hash, stable; and the hashes in that order. LSD radix. */
function sortByHash(hashesById: Int32Array, n: number): { ids: Int32Array; hashes: Uint32Array } {
  let ids = new Int32Array(n);
  let hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = i;
    hashes[i] = hashesById[i] ?? 0;
  }
  let nextIds = new Int32Array(n);
  let nextHashes = new Uint32Array(n);
  const starts = new Int32Array(BUCKETS);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    starts.fill(0);
    for (let i = 0; i < n; i++) {
      const bucket = ((hashes[i] ?? 0) >>> shift) & (BUCKETS - 1);
      starts[bucket] = (starts[bucket] ?? 0) + 1;
    }
    let at = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const count = starts[b] ?? 0;
      starts[b] = at;
      at += count;
    }
    for (let i = 0; i < n; i++) {
      const hash = hashes[i] ?? 0;
      const bucket = (hash >>> shift) & (BUCKETS - 1);
      const to = starts[bucket] ?? 0;
      starts[bucket] = to + 1;
      nextHashes[to] = hash;
      nextIds[to] = ids[i] ?? 0;
    }
    [ids, nextIds] = [nextIds, ids];
    [hashes, nextHashes] = [nextHashes, hashes];
  }
  return { ids, hashes };
}
