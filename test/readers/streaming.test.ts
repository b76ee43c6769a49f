import { describe, expect, it } from 'vitest';
import { streamGeneratedCsv } from './streaming.ts';

describe('csv reader on a large file', () => {
  it('streams 200,000 rows without holding the file in memory', { timeout: 180_000 }, async () => {
    const result = await streamGeneratedCsv(200_000, 20_000);
    expect(result).toMatchObject({ notes: 200_000, rejects: 0, lastId: '199999' });
    // What stays on the heap after a collection must be a small fraction of the file.
    expect(result.retainedGrowth).toBeLessThan(result.bytes / 10);
  });
});
