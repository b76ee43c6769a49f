import { describe, expect, it } from 'vitest';
import { noteIdOf, noteKey } from '../../src/mapper/note-key.ts';

describe('note keys', () => {
  it('never give two (ticket, id) pairs the same key when ids hold ":" or "%"', () => {
    expect(noteKey('a:b', 'c')).not.toBe(noteKey('a', 'b:c'));
    expect(noteKey('a%3Ab', 'c')).not.toBe(noteKey('a:b', 'c'));
  });

  it('give back the note id whatever the ticket holds (rejects.csv and id-map.csv show it)', () => {
    expect(noteIdOf(noteKey('T1', '7'))).toBe('7');
    expect(noteIdOf(noteKey('a:b%c', 'd:e'))).toBe('d:e');
    expect(noteIdOf(noteKey('工单', '📝'))).toBe('📝');
  });
});
