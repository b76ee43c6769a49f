import { normaliseAttachment } from './attachment-normalise.ts';
import type { SourceAttachment } from './source-note.ts';

export type AttachmentListResult =
  | { readonly ok: true; readonly attachments: readonly SourceAttachment[] }
  | { readonly ok: false; readonly message: string };

/**
 * The canonical `attachments` column: a JSON array of paths (relative to the export file) or of
 * `{fileName,mimeType,path|data|url}`. Empty means none. Pure: readers inspect the files after.
 */
export function parseAttachmentList(raw: string): AttachmentListResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, attachments: [] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { ok: false, message: 'attachments is not JSON: expected an array of paths or of {fileName,mimeType,path|data|url}' };
  }
  if (!Array.isArray(value)) return { ok: false, message: 'attachments must be a JSON array' };
  const attachments: SourceAttachment[] = [];
  for (const [index, item] of value.entries()) {
    const attachment = normaliseAttachment(item);
    if (attachment === undefined) {
      return { ok: false, message: `attachments[${index}] has no path, data or url` };
    }
    attachments.push(attachment);
  }
  return { ok: true, attachments };
}
