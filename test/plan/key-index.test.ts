import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../src/plan/key-index.ts';

describe('key index', () => {
  it('numbers distinct keys in the order they came and gives the same number to a repeat', () => {
    const index = new KeyIndex();
    expect(index.intern('a:1')).toBe(0);
    expect(index.intern('b:1')).toBe(1);
    expect(index.intern('a:1')).toBe(0);
    expect(index.size).toBe(2);
    expect(index.get(0)).toBe('a:1');
    expect(index.get(1)).toBe('b:1');
  });

  it('tells keys apart that share a prefix, differ only in length, or are empty', () => {
    const index = new KeyIndex();
    const keys = ['', 'a', 'aa', 'a:', ':a', 'a:1', 'a:10', 'a:1 '];
    keys.forEach((key, i) => {
      expect(index.intern(key)).toBe(i);
    });
    keys.forEach((key, i) => {
      expect(index.get(i)).toBe(key);
    });
    expect(index.has('a:100')).toBe(false);
    expect(index.size).toBe(keys.length);
  });

  it('keeps non-ASCII keys byte for byte (accents, CJK, emoji)', () => {
    const index = new KeyIndex();
    const keys = ['café:1', 'cafe:1', '工单:7', '🎫:1', '🎟:1'];
    keys.forEach((key, i) => {
      expect(index.intern(key)).toBe(i);
    });
    keys.forEach((key, i) => {
      expect(index.get(i)).toBe(key);
    });
    keys.forEach((key) => {
      expect(index.has(key)).toBe(true);
    });
  });

  it('holds 300,000 keys through many resizes: each found again, none confused with a near miss', () => {
    const index = new KeyIndex();
    const n = 300_000;
    const misnumbered: number[] = [];
    for (let i = 0; i < n; i++) if (index.intern(`${i % 997}:${i}`) !== i) misnumbered.push(i);
    expect(misnumbered).toEqual([]);
    expect(index.size).toBe(n);
    const lost: number[] = [];
    const confused: number[] = [];
    for (let i = 0; i < n; i += 7) {
      if (!index.has(`${i % 997}:${i}`)) lost.push(i);
      if (index.has(`${(i + 1) % 997}:${i}`)) confused.push(i);
    }
    expect(lost).toEqual([]);
    expect(confused).toEqual([]);
    expect(index.get(n - 1)).toBe(`${(n - 1) % 997}:${n - 1}`);
  });

  it('rebuilt from its columns, it finds every key and goes on numbering after the last', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 5000; i++) index.intern(`t${i}:n${i}`);
    const copy = KeyIndex.fromColumns(index.columns());
    expect(copy.size).toBe(5000);
    expect(copy.intern('t4999:n4999')).toBe(4999);
    expect(copy.get(1234)).toBe('t1234:n1234');
    expect(copy.intern('new')).toBe(5000);
    const empty = KeyIndex.fromColumns(new KeyIndex().columns());
    expect(empty.size).toBe(0);
    expect(empty.intern('x')).toBe(0);
  });
});
