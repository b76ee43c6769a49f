import { describe, expect, it } from 'vitest';
import { streamGeneratedCsv } from './streaming.ts';

describe('csv reader on a million-row file', () => {
  it('streams 1,000,000 rows without holding the file in memory', { timeout: 600_000 }, async () => {
    const result = await streamGeneratedCsv(1_000_000, 100_000);
    expect(result).toMatchObject({ notes: 1_000_000, rejects: 0, lastId: '999999' });
    expect(result.retainedGrowth).toBeLessThan(result.bytes / 20);
  });
});
