import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/core/key-bytes.ts';
import { KeySet } from '../../src/core/key-set.ts';
import { KeyTally } from '../../src/checkpoint/key-tally.ts';

const bytesOf = (key: string): Buffer => Buffer.from(key);
/** Two keys whose hashes are equal (found by a birthday search): only their bytes tell them apart. */
const COLLIDING = ['T323329:c', 'T1134096:c'] as const;

describe('the tally of done keys', () => {
  it('counts each key once, by the tag of its first occurrence, whether added as bytes or as a string', () => {
    const tally = new KeyTally();
    const b = bytesOf('x:ü:1');
    tally.addBytes(b, 0, b.length, 3);
    tally.add('x:ü:1', 1);
    tally.add('y:2', 1);
    tally.addBytes(bytesOf('y:2'), 0, 3, 0);
    expect(tally.size).toBe(2);
    expect([tally.count(0), tally.count(1), tally.count(3)]).toEqual([0, 1, 1]);
    expect(tally.has('x:ü:1')).toBe(true);
    expect(tally.has('y:2')).toBe(true);
    expect(tally.has('y:3')).toBe(false);
  });

  it('tells apart two keys with the same hash', () => {
    const [a, b] = COLLIDING.map(bytesOf);
    expect(hashBytes(a ?? bytesOf(''), 0, a?.length ?? 0)).toBe(hashBytes(b ?? bytesOf(''), 0, b?.length ?? 0));
    const tally = new KeyTally();
    tally.add(COLLIDING[0], 0);
    tally.add(COLLIDING[1], 1);
    tally.add(COLLIDING[0], 1);
    expect(tally.size).toBe(2);
    expect([tally.count(0), tally.count(1)]).toEqual([1, 1]);
    expect(COLLIDING.map((key) => tally.has(key))).toEqual([true, true]);
    const set = new KeySet();
    expect(COLLIDING.map((key) => set.add(key))).toEqual([0, 1]);
    expect(set.idOf(COLLIDING[1])).toBe(1);
  });

  it('keeps keys with lone surrogates apart from each other and from U+FFFD', () => {
    const tally = new KeyTally();
    tally.add('k:\uD800', 0);
    tally.add('k:\uDBFF', 0);
    expect(tally.size).toBe(2);
    expect(tally.has('k:\uFFFD')).toBe(false);
    expect(tally.has('k:\uDBFF')).toBe(true);
    const set = new KeySet();
    set.add('k:\uD800');
    expect(set.key(0)).toBe('k:\uD800');
    expect(set.has('k:\uFFFD')).toBe(false);
  });

  it('holds a hundred thousand keys, each once, and counts a key added after it was asked', () => {
    const tally = new KeyTally();
    for (let n = 0; n < 100_000; n++) tally.add(`${n % 50_000}:c`, n < 50_000 ? 0 : 1);
    expect(tally.size).toBe(50_000);
    expect([tally.count(0), tally.count(1)]).toEqual([50_000, 0]);
    expect(tally.has('49999:c')).toBe(true);
    expect(tally.has('50000:c')).toBe(false);
    tally.add('50000:c', 1);
    expect([tally.size, tally.count(1), tally.has('50000:c')]).toEqual([50_001, 1, true]);
  });
});
