import type { SourceAttachment } from '../readers/source-note.ts';
import { escapeHtml } from './html.ts';
import { mimeTypeFor } from './mime.ts';
import type { AttachmentRef } from './note-draft.ts';

/**
 * What the attachment store knows of a link (DESIGN §9), handed to the mapper as a pure lookup:
 * `pending` only for `plan`, which counts what is not stored yet and downloads nothing.
 */
export type RemoteState =
  | { readonly kind: 'stored'; readonly path: string; readonly size: number; readonly mimeType: string }
  | { readonly kind: 'failed'; readonly reason: MissingReason; readonly message: string }
  | { readonly kind: 'pending' };

export type MissingReason = 'attachment_host_not_allowed' | 'attachment_unavailable' | 'attachment_too_large';

export interface RemoteOptions {
  /** `source.attachments.hosts`: inline images on these hosts are fetched too. */
  readonly hosts: readonly string[];
  readonly lookup: (link: string) => RemoteState;
}

/** A file of the message that could not be moved: named in the note, or the reason it is rejected. */
export interface MissingFile {
  readonly name: string;
  readonly reason: MissingReason;
  readonly message: string;
}

export interface RemoteResult {
  readonly files: readonly AttachmentRef[];
  readonly missing: readonly MissingFile[];
  /** The body with each fetched-or-tried `<img>` replaced by `[image: NAME]`. */
  readonly text: string;
  readonly inlineImages: number;
}

/** A remote link to fetch: an attachment's URL or an inline image's `src`, with the name it goes by. */
export interface RemoteLink {
  readonly link: string;
  readonly name: string;
  readonly mimeType?: string;
  /** What the export says the file weighs, if it says. */
  readonly size?: number;
  readonly inline: boolean;
}

/**
 * Every link a message needs fetched: its URL attachments, then the `<img src>` of its HTML body
 * that point at one of them or at a listed host. The fetch pass and the mapper both use it, so
 * what is fetched is exactly what is attached.
 */
export function remoteLinksOf(attachments: readonly SourceAttachment[], text: string, html: boolean, hosts: readonly string[]): RemoteLink[] {
  const out: RemoteLink[] = [];
  const seen = new Set<string>();
  for (const a of attachments) {
    if (a.url === undefined || a.path !== undefined || a.data !== undefined || seen.has(a.url)) continue;
    seen.add(a.url);
    out.push({
      link: a.url,
      name: a.fileName ?? nameFromUrl(a.url),
      ...(a.mimeType === undefined ? {} : { mimeType: a.mimeType }),
      ...(a.size === undefined ? {} : { size: a.size }),
      inline: false,
    });
  }
  if (!html) return out;
  for (const image of imagesIn(text)) {
    if (seen.has(image.src) || !onListedHost(image.src, hosts)) continue;
    seen.add(image.src);
    out.push({ link: image.src, name: nameFromUrl(image.src), inline: true });
  }
  return out;
}

/** The message's remote files as the store has them; inline images become `[image: NAME]`. */
export function resolveRemote(attachments: readonly SourceAttachment[], text: string, html: boolean, remote: RemoteOptions, maxBytes: number): RemoteResult {
  const links = remoteLinksOf(attachments, text, html, remote.hosts);
  const files: AttachmentRef[] = [];
  const missing: MissingFile[] = [];
  const names = new Map<string, string>();
  for (const l of links) {
    names.set(l.link, l.name);
    const state = remote.lookup(l.link);
    if (state.kind === 'failed') {
      missing.push({ name: l.name, reason: state.reason, message: state.message });
    } else if (state.kind === 'pending') {
      // plan only: sized by what the export claims, so the request estimate stays honest.
      files.push({ fileName: l.name, mimeType: l.mimeType ?? mimeTypeFor(l.name), size: l.size ?? 0 });
    } else if (state.size > maxBytes) {
      missing.push({ name: l.name, reason: 'attachment_too_large', message: `${state.size} bytes, over the ${maxBytes}-byte limit` });
    } else {
      files.push({ fileName: l.name, mimeType: l.mimeType ?? state.mimeType, path: state.path, size: state.size });
    }
  }
  let inlineImages = 0;
  const replaced = !html
    ? text
    : text.replace(IMG, (tag) => {
        const src = srcOf(tag);
        const name = src === undefined ? undefined : names.get(src);
        if (name === undefined) return tag;
        inlineImages++;
        return `[image: ${escapeHtml(name)}]`;
      });
  return { files, missing, text: replaced, inlineImages };
}

/** One line per file that could not be moved, at the end of the note (policy "note"). */
export function missingLines(missing: readonly MissingFile[]): string {
  return missing.map((m) => `<p><em>File not imported: ${escapeHtml(m.name)} (${m.reason}: ${escapeHtml(m.message)})</em></p>`).join('');
}

/** Whether the link's host (or host:port) is on the list; lower-case entries. */
export function isListed(url: URL, hosts: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return hosts.some((entry) => entry === host || entry === `${host}:${port}`);
}

function onListedHost(link: string, hosts: readonly string[]): boolean {
  try {
    return isListed(new URL(link), hosts);
  } catch {
    return false;
  }
}

const IMG = /<img\b[^>]*>/gi;
const SRC = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

function imagesIn(html: string): { src: string }[] {
  const out: { src: string }[] = [];
  for (const match of html.matchAll(IMG)) {
    const src = srcOf(match[0]);
    if (src !== undefined) out.push({ src });
  }
  return out;
}

function srcOf(tag: string): string | undefined {
  const m = SRC.exec(tag);
  const raw = m?.[1] ?? m?.[2] ?? m?.[3];
  // Attribute values in HTML carry `&amp;` for `&`: the link is the decoded one.
  return raw === undefined || raw === '' ? undefined : raw.replace(/&amp;/g, '&').trim();
}

export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}
