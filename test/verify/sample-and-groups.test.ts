import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationGroups } from '../../src/verify/conversation-groups.ts';
import { LandedColumns } from '../../src/verify/landed-columns.ts';
import { SAMPLE_SEED, sampleConversations } from '../../src/verify/sample.ts';

describe('sampleConversations', () => {
  const ids = Float64Array.from({ length: 1000 }, (_, i) => 100_000 + i * 7);

  it('takes N, the same N every time, and the N for a larger N include them', () => {
    const ten = [...sampleConversations(ids, 10)];
    expect(ten).toHaveLength(10);
    expect(new Set(ten).size).toBe(10);
    expect([...sampleConversations(ids, 10)]).toEqual(ten);
    expect([...sampleConversations(ids, 50)]).toEqual(expect.arrayContaining(ten));
    // Not simply the first ten, and another seed picks others.
    expect(ten).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...sampleConversations(ids, 10, SAMPLE_SEED + 1)]).not.toEqual(ten);
  });

  it('N at or above the count: all of them', () => {
    expect([...sampleConversations(ids.subarray(0, 3), 5)]).toEqual([0, 1, 2]);
  });
});

describe('LandedColumns and ConversationGroups', () => {
  it('groups the landed notes by conversation, each in the log\'s order, ids past 2^32 included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-verify-'));
    try {
      const big = 2 ** 33 + 5;
      const done = (step: string, conversation: number, keys: string[], threads?: number[]): string =>
        JSON.stringify({ t: 'done', step, kind: 'add-note', lane: `conversation:${conversation}`, keys, conversation, ...(threads ? { threads } : {}), at: 1 });
      const path = join(dir, 'checkpoint.jsonl');
      writeFileSync(path, [done('s1', 20, ['A:1'], [501]), done('s2', big, ['B:1']), done('s3', 10, ['C:1'], [502]), done('s4', 20, ['A:2'], [503]), done('s5', 20, ['A:1'], [504])].join('\n') + '\n');
      const landed = LandedColumns.read(path);
      // A key settled twice keeps its first record.
      expect(landed.size).toBe(4);
      expect([landed.key(0), landed.conversation(0), landed.thread(0)]).toEqual(['A:1', 20, 501]);
      expect([landed.key(1), landed.conversation(1), landed.thread(1)]).toEqual(['B:1', big, 0]);
      const groups = ConversationGroups.of(landed);
      expect([...groups.ids]).toEqual([10, 20, big]);
      expect([0, 1, 2].map((c) => [...groups.notes(c)].map((note) => landed.key(note)))).toEqual([['C:1'], ['A:1', 'A:2'], ['B:1']]);
      expect(groups.indexOf(big)).toBe(2);
      expect(groups.indexOf(11)).toBe(-1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
