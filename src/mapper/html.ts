/** Small HTML helpers for building note text; no parser: we only ever write HTML, never clean it. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;
const NEWLINE = /\r\n|\r|\n/g;

export function escapeHtml(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c] ?? c);
}

/** Plain text as HTML: escaped, line breaks kept as `<br>`. */
export function plainToHtml(text: string): string {
  return escapeHtml(text).replace(NEWLINE, '<br>');
}

const TAG = /<[^>]*>/g;
const BLANK = /^(?:\s|&nbsp;|&#160;|\u00a0)*$/i;
const MEDIA = /<(?:img|video|audio|iframe|object|embed)\b/i;

/**
 * An HTML body with nothing to read (Zendesk's `<div class="zd-comment"></div>`, `<p><br></p>`)
 * counts as empty; an image alone does not.
 */
export function isBlankHtml(html: string): boolean {
  if (MEDIA.test(html)) return false;
  return BLANK.test(html.replace(TAG, ''));
}
