import { describe, expect, it } from 'vitest';
import { CHUNK_LENGTH } from '../../src/core/chunked-column.ts';
import { TextColumn } from '../../src/core/text-column.ts';

describe('text column', () => {
  it('gives back every text exactly as set, in any order of indexes, past a chunk of indexes', () => {
    const column = new TextColumn();
    const texts = ['', 'a', 'Zoë Ångström', '客服 支持', '😀 emoji', 'lone \uD800 surrogate', 'x'.repeat(70_000)];
    const at = (i: number): number => (i * 7919) % (2 * CHUNK_LENGTH + 3);
    for (let i = 0; i < 1000; i++) column.set(at(i), `${texts[i % texts.length] ?? ''}#${i}`);
    for (let i = 0; i < 1000; i++) expect(column.get(at(i))).toBe(`${texts[i % texts.length] ?? ''}#${i}`);
  });

  it('reads an index never set as undefined, and an empty text as set', () => {
    const column = new TextColumn();
    column.set(3, '');
    expect(column.get(3)).toBe('');
    expect(column.has(3)).toBe(true);
    for (const index of [0, 2, 4, CHUNK_LENGTH + 3]) {
      expect(column.get(index)).toBeUndefined();
      expect(column.has(index)).toBe(false);
    }
  });
});
