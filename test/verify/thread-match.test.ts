import { describe, expect, it } from 'vitest';
import { linkText } from '../../src/deliver/bodies.ts';
import { matchThreads, noteSignature, type ListedThread } from '../../src/verify/thread-match.ts';

const AT = '2023-01-01T10:00:00Z';
const note = (id: number, body: string, extra: Partial<ListedThread> = {}): ListedThread => ({ id, type: 'note', body, createdAt: AT, imported: true, ...extra });
const byText = (text: string, createdAt = AT): { thread: number; signature: string } => ({ thread: 0, signature: noteSignature(createdAt, text) });

describe('matchThreads', () => {
  it('two identical notes need two threads: the second one is missing when only one is there', () => {
    const { verdicts } = matchThreads([byText('same'), byText('same')], [note(1, 'same')]);
    expect(verdicts).toEqual([
      { kind: 'found', thread: 1, learned: true },
      { kind: 'missing', reason: 'no_matching_thread' },
    ]);
    expect(matchThreads([byText('same'), byText('same')], [note(1, 'same'), note(2, 'same')]).verdicts.map((v) => v.kind)).toEqual(['found', 'found']);
  });

  it('matches as reconcile does: same createdAt and the same text once tags and entities are gone', () => {
    const { verdicts } = matchThreads([byText('<p>Fish &amp; chips</p>'), byText('later', '2023-01-01T10:05:00Z')], [note(7, 'Fish & chips'), note(8, 'later')]);
    expect(verdicts).toEqual([{ kind: 'found', thread: 7, learned: true }, { kind: 'missing', reason: 'no_matching_thread' }]);
  });

  it('by thread id first: a note known by id keeps its thread; a content match never takes it', () => {
    const { verdicts } = matchThreads([byText('same'), { thread: 1, signature: undefined }], [note(1, 'same')]);
    expect(verdicts).toEqual([{ kind: 'missing', reason: 'no_matching_thread' }, { kind: 'found', thread: 1, learned: false }]);
    expect(matchThreads([{ thread: 9, signature: undefined }], [note(1, 'x')]).verdicts).toEqual([{ kind: 'missing', reason: 'thread_gone' }]);
  });

  it('a note known by id whose text is on two imported threads is duplicated, even with no signature from the export', () => {
    const { verdicts, unmatched } = matchThreads([{ thread: 1, signature: undefined }], [note(1, 'twice'), note(2, 'twice')]);
    expect(verdicts).toEqual([{ kind: 'duplicated', copies: 2 }]);
    expect(unmatched).toEqual([]);
  });

  it('no thread id and no signature: unverifiable', () => {
    expect(matchThreads([{ thread: 0, signature: undefined }], [note(1, 'x')]).verdicts).toEqual([{ kind: 'unverifiable' }]);
  });

  it('unmatched: imported threads that are no recorded note, not the tool\'s link notes, not threads agents wrote', () => {
    const threads = [
      note(1, 'ours'),
      note(2, 'stray'),
      note(3, linkText('continued-in', 42)),
      note(4, linkText('continued-from', 41)),
      note(5, 'an agent\'s note', { imported: false }),
      { id: 6, type: 'customer', body: 'hello', createdAt: AT },
    ];
    expect(matchThreads([byText('ours')], threads).unmatched).toEqual([2]);
  });
});
