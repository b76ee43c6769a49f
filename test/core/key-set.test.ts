import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/core/key-set.ts';

describe('key set', () => {
  it('numbers distinct keys in the order they came and gives the same number to a repeat', () => {
    const set = new KeySet();
    expect(set.add('a:1')).toBe(0);
    expect(set.add('b:1')).toBe(1);
    expect(set.add('a:1')).toBe(0);
    expect(set.size).toBe(2);
    expect(set.key(0)).toBe('a:1');
    expect(set.key(1)).toBe('b:1');
  });

  it('tells keys apart that share a prefix, differ only in length, or are empty', () => {
    const set = new KeySet();
    const keys = ['', 'a', 'aa', 'a:', ':a', 'a:1', 'a:10', 'a:1 '];
    keys.forEach((key, i) => {
      expect(set.add(key)).toBe(i);
    });
    keys.forEach((key, i) => {
      expect(set.key(i)).toBe(key);
    });
    expect(set.has('a:100')).toBe(false);
    expect(set.size).toBe(keys.length);
  });

  it('keeps non-ASCII keys byte for byte (accents, CJK, emoji)', () => {
    const set = new KeySet();
    const keys = ['café:1', 'cafe:1', '工单:7', '🎫:1', '🎟:1'];
    keys.forEach((key, i) => {
      expect(set.add(key)).toBe(i);
    });
    keys.forEach((key, i) => {
      expect(set.key(i)).toBe(key);
    });
    keys.forEach((key) => {
      expect(set.has(key)).toBe(true);
    });
  });

  it('holds 300,000 keys through many resizes: each found again, none confused with a near miss', () => {
    const set = new KeySet();
    const n = 300_000;
    const misnumbered: number[] = [];
    for (let i = 0; i < n; i++) if (set.add(`${i % 997}:${i}`) !== i) misnumbered.push(i);
    expect(misnumbered).toEqual([]);
    expect(set.size).toBe(n);
    const lost: number[] = [];
    const confused: number[] = [];
    for (let i = 0; i < n; i += 7) {
      if (!set.has(`${i % 997}:${i}`)) lost.push(i);
      if (set.has(`${(i + 1) % 997}:${i}`)) confused.push(i);
    }
    expect(lost).toEqual([]);
    expect(confused).toEqual([]);
    expect(set.key(n - 1)).toBe(`${(n - 1) % 997}:${n - 1}`);
  });

  it('rebuilt from its columns, it finds every key and goes on numbering after the last', () => {
    const set = new KeySet();
    for (let i = 0; i < 5000; i++) set.add(`t${i}:n${i}`);
    const copy = KeySet.fromColumns(set.columns());
    expect(copy.size).toBe(5000);
    expect(copy.add('t4999:n4999')).toBe(4999);
    expect(copy.key(1234)).toBe('t1234:n1234');
    expect(copy.add('new')).toBe(5000);
    const empty = KeySet.fromColumns(new KeySet().columns());
    expect(empty.size).toBe(0);
    expect(empty.add('x')).toBe(0);
  });

  it('adding to a set rebuilt from saved columns never writes into the saved bytes', () => {
    const set = new KeySet();
    for (let i = 0; i < 3000; i++) set.add(`t${i}:n${i}`);
    const saved = set.columns();
    const before = { bytes: Buffer.from(saved.bytes), ends: Uint32Array.from(saved.ends) };
    const copy = KeySet.fromColumns(saved);
    for (let i = 0; i < 3000; i++) copy.add(`new${i}`);
    expect(Buffer.from(saved.bytes).equals(before.bytes)).toBe(true);
    expect(saved.ends).toEqual(before.ends);
    expect(copy.key(2999)).toBe('t2999:n2999');
    expect(copy.key(5999)).toBe('new2999');
  });

  it('after its lookups are dropped, keeps every id and key, and finds and numbers keys as before', () => {
    const set = new KeySet();
    for (let i = 0; i < 20_000; i++) set.add(`${i % 97}:${i}`);
    set.dropLookups();
    expect(set.size).toBe(20_000);
    expect(set.key(19_999)).toBe(`${19_999 % 97}:19999`);
    expect(set.idOf(`${12_345 % 97}:12345`)).toBe(12_345);
    expect(set.has('1:2')).toBe(false);
    expect(set.add(`${5 % 97}:5`)).toBe(5);
    expect(set.add('fresh')).toBe(20_000);
  });
});
