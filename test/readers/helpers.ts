import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ImportConfig } from '../../src/config/load.ts';
import type { Reject } from '../../src/core/reject.ts';
import { createMapper } from '../../src/mapper/index.ts';
import type { NoteDraft } from '../../src/mapper/note-draft.ts';
import { exportDirOf, openReader } from '../../src/readers/index.ts';
import type { SourceItem, SourceNote } from '../../src/readers/source-note.ts';

export type Source = ImportConfig['source'];

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

/** A source config as the loader would produce it (defaults filled, paths absolute). */
export function sourceOf(format: Source['format'], path: string, extra: Partial<Source> = {}): Source {
  return {
    format,
    path: path.startsWith('/') ? path : join(FIXTURES, format, path),
    systemEvents: 'line',
    attribution: true,
    maxAttachmentBytes: 10 * 1024 * 1024,
    ...extra,
  };
}

export async function readAll(source: Source): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openReader(source)) items.push(item);
  return items;
}

export function notesOf(items: readonly SourceItem[]): SourceNote[] {
  return items.flatMap((item) => (item.kind === 'note' ? [item.note] : []));
}

export function rejectsOf(items: readonly SourceItem[]): Reject[] {
  return items.flatMap((item) => (item.kind === 'reject' ? [item.reject] : []));
}

/** A fresh folder, removed when the current test finishes (some tests write 10-200 MB). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-import-readers-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** What the pipeline's index pass does: each note of the source through one mapper (attribution on). */
export async function mapAll(source: Source): Promise<(NoteDraft | Reject)[]> {
  const map = createMapper({ now: Date.parse('2025-01-01T00:00:00Z'), attribution: true, maxAttachmentBytes: source.maxAttachmentBytes, exportDir: exportDirOf(source.path) });
  return (await readAll(source)).map((item) => (item.kind === 'note' ? map(item.note) : item.reject));
}

export function draftsOf(results: readonly (NoteDraft | Reject)[]): NoteDraft[] {
  return results.flatMap((r) => ('reason' in r ? [] : [r]));
}
