import type { SourceAttachment } from './source-note.ts';

/**
 * One attachment from any export, whatever its key names: canonical `{fileName, mimeType,
 * path|data|url, size}`, Zendesk `{file_name, content_url, content_type, size}`, Freshdesk
 * `{name, attachment_url, content_type, size|file_size}` (its account export and v1 API:
 * `{content_file_name, content_content_type, content_file_size, attachment_url}`), Intercom
 * `{name, url, content_type, filesize}`. A bare string is a path, or a URL when it has a scheme.
 * Returns undefined for entries that carry nothing importable (deleted, no location).
 */
export function normaliseAttachment(value: unknown): SourceAttachment | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    return URL_LIKE.test(trimmed) ? { url: trimmed } : { path: trimmed };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if (o.deleted === true) return undefined;
  const path = text(o.path);
  const data = text(o.data);
  const url = text(o.url) ?? text(o.content_url) ?? text(o.mapped_content_url) ?? text(o.attachment_url);
  if (path === undefined && data === undefined && url === undefined) return undefined;
  const fileName = text(o.fileName) ?? text(o.file_name) ?? text(o.filename) ?? text(o.name) ?? text(o.content_file_name);
  const mimeType = text(o.mimeType) ?? text(o.content_type) ?? text(o.contentType) ?? text(o.content_content_type);
  const size = count(o.size) ?? count(o.file_size) ?? count(o.filesize) ?? count(o.content_file_size);
  return {
    ...(fileName === undefined ? {} : { fileName }),
    ...(mimeType === undefined ? {} : { mimeType }),
    // One location only, local bytes first: a path or inline data beats a (possibly expired) URL.
    ...(path !== undefined ? { path } : data !== undefined ? { data } : url === undefined ? {} : { url }),
    ...(size === undefined ? {} : { size }),
  };
}

/** Normalises a list, dropping entries with nothing importable; a non-array is no attachments. */
export function normaliseAttachments(value: unknown): SourceAttachment[] {
  if (!Array.isArray(value)) return [];
  const out: SourceAttachment[] = [];
  for (const item of value) {
    const attachment = normaliseAttachment(item);
    if (attachment !== undefined) out.push(attachment);
  }
  return out;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
