import { realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { AttachmentInspection, SourceAttachment, SourceNote } from './source-note.ts';

/**
 * Real path of the folder attachment paths are relative to (the export file's folder). The
 * mapper compares attachments' real paths against it, so it must be real too.
 */
export function exportDirOf(sourcePath: string): string {
  return realpathSync(dirname(sourcePath));
}

/**
 * Fills `inspection` for local path attachments: real path (so a symlink leading out of the
 * export is seen for what it is) and size. Paths that already escape lexically are not touched:
 * the mapper rejects them without the disk ever being read outside the export.
 */
export async function inspectAttachments(list: readonly SourceAttachment[], exportDir: string): Promise<SourceAttachment[]> {
  return Promise.all(
    list.map(async (attachment) => {
      if (attachment.path === undefined || attachment.inspection !== undefined) return attachment;
      const target = resolve(exportDir, attachment.path);
      if (isAbsolute(attachment.path) || escapes(exportDir, target)) return attachment;
      return { ...attachment, inspection: await inspect(target) };
    }),
  );
}

/**
 * Whether a note has path attachments still to look at. Most notes have none: readers test this
 * first and skip the `await`, which would cost a promise per row.
 */
export function needsInspection(note: SourceNote): boolean {
  const list = note.attachments;
  return typeof list === 'object' && list.some((a) => a.path !== undefined && a.inspection === undefined);
}

/** The note with its path attachments inspected; the same object when it has none. */
export async function withInspectedAttachments(note: SourceNote, exportDir: string): Promise<SourceNote> {
  const list = note.attachments;
  if (typeof list !== 'object' || !needsInspection(note)) return note;
  return { ...note, attachments: await inspectAttachments(list, exportDir) };
}

async function inspect(target: string): Promise<AttachmentInspection> {
  try {
    const realPath = await realpath(target);
    const info = await stat(realPath);
    return info.isFile() ? { kind: 'file', realPath, size: info.size } : { kind: 'not-a-file' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A dangling symlink, a missing file or a file used as a folder: all "not there".
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? { kind: 'missing' } : { kind: 'not-a-file' };
  }
}

function escapes(dir: string, target: string): boolean {
  const rel = relative(dir, target);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}
