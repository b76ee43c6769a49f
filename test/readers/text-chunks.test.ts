import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textChunks } from '../../src/readers/text-chunks.ts';
import { tempDir } from './helpers.ts';

async function chunksOf(path: string, encoding: 'utf8' | 'utf16le'): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of textChunks(path, encoding, 'source.path')) chunks.push(chunk);
  return chunks;
}

describe('text chunks', () => {
  it('keeps multi-byte characters whole wherever a 32 KB decode piece or a 256 KB read cuts them', async () => {
    // 1-, 2-, 3- and 4-byte characters in a cycle that is no divisor of 32 KB: every boundary cuts a different one.
    const text = '\uFEFF' + 'aé€😀'.repeat(120_000);
    const path = join(tempDir(), 'mixed.txt');
    writeFileSync(path, text);
    const chunks = await chunksOf(path, 'utf8');
    expect(chunks.join('')).toBe(text.slice(1));
    expect(chunks.join('')).not.toContain('\uFFFD');
  });

  it('decodes in pieces that stay below V8\'s large-object size, in UTF-8 and UTF-16', async () => {
    const dir = tempDir();
    const ascii = join(dir, 'ascii.txt');
    writeFileSync(ascii, 'x'.repeat(1_000_000));
    const wide = join(dir, 'wide.txt');
    writeFileSync(wide, Buffer.from('\u4e2d'.repeat(500_000), 'utf16le'));
    for (const [path, encoding] of [[ascii, 'utf8'], [wide, 'utf16le']] as const) {
      const chunks = await chunksOf(path, encoding);
      // A string of 64 KB or more (two-byte text: 32 K characters) would be a large object, kept until a full GC.
      const bytesPerChar = encoding === 'utf16le' ? 2 : 1;
      expect(Math.max(...chunks.map((c) => c.length * bytesPerChar))).toBeLessThanOrEqual(64 * 1024);
      expect(chunks.join('').length).toBe(encoding === 'utf16le' ? 500_000 : 1_000_000);
    }
  });
});
