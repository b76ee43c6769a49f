import type { Reject } from '../../src/core/reject.ts';
import { createMapper, type MapperOptions } from '../../src/mapper/index.ts';
import type { NoteDraft } from '../../src/mapper/note-draft.ts';
import type { SourceNote } from '../../src/readers/source-note.ts';

export const NOW = Date.parse('2025-01-01T00:00:00Z');

export function mapperWith(options: Partial<MapperOptions> = {}): (note: SourceNote) => NoteDraft | Reject {
  return createMapper({ now: NOW, attribution: false, maxAttachmentBytes: 1000, exportDir: '/export', ...options });
}

export function note(fields: Partial<SourceNote> = {}): SourceNote {
  return {
    ticket: '123',
    id: '1',
    createdAt: '2024-05-06T07:08:09Z',
    text: 'Hello',
    html: false,
    origin: { file: '/export/notes.csv', line: 2 },
    fields: { ticket: '123' },
    ...fields,
  };
}

export function asDraft(result: NoteDraft | Reject): NoteDraft {
  if ('reason' in result) throw new Error(`expected a draft, got reject ${result.reason}: ${result.message}`);
  return result;
}

export function asReject(result: NoteDraft | Reject): Reject {
  if (!('reason' in result)) throw new Error(`expected a reject, got draft ${result.key}`);
  return result;
}
