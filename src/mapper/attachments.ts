import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { RejectReason } from '../core/reject.ts';
import type { SourceAttachment } from '../readers/source-note.ts';
import { mimeTypeFor } from './mime.ts';
import { nameFromUrl } from './remote-attachments.ts';
import type { AttachmentRef } from './note-draft.ts';

/** A remote attachment: not downloaded (URLs expire or need auth), listed in the note instead. */
export interface AttachmentLink {
  readonly url: string;
  readonly name: string;
}

export type AttachmentsResult =
  | { readonly ok: true; readonly files: readonly AttachmentRef[]; readonly links: readonly AttachmentLink[] }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

export interface AttachmentLimits {
  /** Real path of the export file's folder: nothing outside it is ever sent. */
  readonly exportDir: string;
  readonly maxBytes: number;
  /** Links are fetched into the store (DESIGN §9): URL attachments are left to `resolveRemote`. */
  readonly fetchLinks: boolean;
}

/**
 * Checks a note's attachments without touching the disk: the reader already looked
 * (`inspection`), so a symlink pointing out of the export shows here as a real path outside it.
 * The first bad attachment rejects the whole note: a note half-imported is worse than a reject
 * the user can fix and re-feed.
 */
export function resolveAttachments(list: readonly SourceAttachment[], limits: AttachmentLimits): AttachmentsResult {
  const files: AttachmentRef[] = [];
  const links: AttachmentLink[] = [];
  for (const [index, attachment] of list.entries()) {
    const label = `attachments[${index}]`;
    let result: AttachmentRef | AttachmentLink | Problem;
    if (attachment.path !== undefined) result = fromPath(attachment, attachment.path, limits, label);
    else if (attachment.data !== undefined) result = fromData(attachment, attachment.data, limits, label, index);
    else if (attachment.url !== undefined && limits.fetchLinks) continue;
    else if (attachment.url !== undefined) result = { url: attachment.url, name: attachment.fileName ?? nameFromUrl(attachment.url) };
    else result = problem('attachment_invalid', `${label} has no path, data or url`);
    if ('reason' in result) return { ok: false, ...result };
    if ('url' in result) links.push(result);
    else files.push(result);
  }
  return { ok: true, files, links };
}

interface Problem {
  readonly reason: RejectReason;
  readonly message: string;
}

function problem(reason: RejectReason, message: string): Problem {
  return { reason, message };
}

function fromPath(a: SourceAttachment, path: string, limits: AttachmentLimits, label: string): AttachmentRef | Problem {
  if (isAbsolute(path) || path.includes('\0') || !isInside(limits.exportDir, resolve(limits.exportDir, path))) {
    return problem('attachment_path_outside_export', `${label} ${JSON.stringify(path)} is outside the export folder`);
  }
  const seen = a.inspection;
  if (seen === undefined) return problem('attachment_invalid', `${label} ${JSON.stringify(path)} was not inspected by a reader`);
  if (seen.kind === 'missing') return problem('attachment_not_found', `${label} ${JSON.stringify(path)} does not exist`);
  if (seen.kind === 'not-a-file') return problem('attachment_invalid', `${label} ${JSON.stringify(path)} is not a regular file`);
  if (!isInside(limits.exportDir, seen.realPath)) {
    return problem('attachment_path_outside_export', `${label} ${JSON.stringify(path)} links to ${seen.realPath}, outside the export folder`);
  }
  const fileName = a.fileName ?? basename(path);
  const sized = checkSize(seen.size, limits, `${label} ${JSON.stringify(path)}`);
  if (sized !== undefined) return sized;
  return { fileName, mimeType: a.mimeType ?? mimeTypeFor(fileName), path: seen.realPath, size: seen.size };
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s+/g;

function fromData(a: SourceAttachment, raw: string, limits: AttachmentLimits, label: string, index: number): AttachmentRef | Problem {
  // Accept a data: URL too, as browsers and some exporters write it.
  const prefix = DATA_URL.exec(raw);
  const data = (prefix ? raw.slice(prefix[0].length) : raw).replace(WHITESPACE, '');
  if (!BASE64.test(data) || data.length % 4 === 1) return problem('attachment_invalid', `${label} data is not base64`);
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const size = Math.floor((data.length * 3) / 4) - padding;
  const sized = checkSize(size, limits, label);
  if (sized !== undefined) return sized;
  const fileName = a.fileName ?? `attachment-${index + 1}`;
  return { fileName, mimeType: a.mimeType ?? prefix?.[1] ?? mimeTypeFor(fileName), data, size };
}

/** Zero bytes is refused too: Help Scout needs content, and an empty file is usually a broken export. */
function checkSize(size: number, limits: AttachmentLimits, what: string): Problem | undefined {
  if (size > limits.maxBytes) {
    return problem('attachment_too_large', `${what} is ${size} bytes, over the ${limits.maxBytes}-byte limit`);
  }
  if (size === 0) return problem('attachment_invalid', `${what} is empty (0 bytes)`);
  return undefined;
}

function isInside(dir: string, target: string): boolean {
  const rel = relative(dir, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
