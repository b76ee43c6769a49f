/** Small HTML helpers for building note text; no parser: we only ever write HTML, never clean it. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;
const NEWLINE = /\r\n|\r|\n/g;

const HAS_SPECIAL = /[&<>"']/;
const HAS_NEWLINE = /[\r\n]/;

// The tests first: most notes have nothing to escape, and a test allocates nothing.
export function escapeHtml(text: string): string {
  return HAS_SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ESCAPES[c] ?? c) : text;
}

/** Plain text as HTML: escaped, line breaks kept as `<br>`. */
export function plainToHtml(text: string): string {
  const escaped = escapeHtml(text);
  return HAS_NEWLINE.test(escaped) ? escaped.replace(NEWLINE, '<br>') : escaped;
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
