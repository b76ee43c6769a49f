import type { AttachmentLink } from './attachments.ts';
import { escapeHtml, isBlankHtml, plainToHtml } from './html.ts';
import { missingLines, type MissingFile } from './remote-attachments.ts';

export interface Attribution {
  readonly ticket: string;
  readonly author: string | undefined;
  readonly visibility: 'public' | 'private' | 'system' | undefined;
  readonly channel: string | undefined;
}

export interface NoteTextInput {
  readonly text: string;
  readonly html: boolean;
  /** undefined when attribution is switched off. */
  readonly attribution: Attribution | undefined;
  readonly links: readonly AttachmentLink[];
  readonly fileCount: number;
  /** Linked files that could not be fetched (policy "note"): one line each at the end. */
  readonly missing: readonly MissingFile[];
}

export const UNKNOWN_AUTHOR = 'Unknown author';
export const ATTACHMENTS_ONLY = '<p><em>(no text: attachments only)</em></p>';

/**
 * The note's final HTML: attribution line, body (HTML kept, plain text escaped), then links to
 * remote attachments and the files that could not be fetched. undefined when there is nothing to say at all (→ `empty_text`).
 */
export function buildNoteText(input: NoteTextInput): string | undefined {
  const body = input.html ? (isBlankHtml(input.text) ? '' : input.text) : input.text.trim() === '' ? '' : plainToHtml(input.text);
  const hasAttachments = input.fileCount > 0 || input.links.length > 0 || input.missing.length > 0;
  if (body === '' && !hasAttachments) return undefined;
  let text = input.attribution === undefined ? '' : attributionLine(input.attribution);
  text += body === '' ? ATTACHMENTS_ONLY : body;
  if (input.links.length > 0) text += linkList(input.links);
  if (input.missing.length > 0) text += missingLines(input.missing);
  return text;
}

/** e.g. `<p><em>Imported from ticket #123 · Jane Doe · private</em></p>`. */
function attributionLine(a: Attribution): string {
  const parts = [`Imported from ticket #${a.ticket}`, a.author?.trim() || UNKNOWN_AUTHOR];
  if (a.visibility !== undefined) parts.push(a.visibility);
  if (a.channel !== undefined && a.channel !== '') parts.push(`via ${a.channel}`);
  return `<p><em>${escapeHtml(parts.join(' · '))}</em></p>`;
}

const WEB_URL = /^https?:\/\//i;

function linkList(links: readonly AttachmentLink[]): string {
  const items = links.map((link) => {
    const name = escapeHtml(link.name);
    // Only web links become clickable: a `javascript:` URL from an export must stay inert text.
    return WEB_URL.test(link.url) ? `<li><a href="${escapeHtml(link.url)}">${name}</a></li>` : `<li>${name} (${escapeHtml(link.url)})</li>`;
  });
  return `<p>Attachments not imported (links from the original export; they may have expired):</p><ul>${items.join('')}</ul>`;
}
