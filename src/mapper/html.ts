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
  if (startsWithWord(html) || MEDIA.test(html)) return false;
  return BLANK.test(html.replace(TAG, ''));
}

/**
 * True when the first character outside tags is an ASCII letter or digit: then the HTML is
 * surely not blank, and the regular expressions below (whole passes over the body) are spared.
 * A tag is `<` up to the next `>`, as TAG strips them; anything else decides nothing.
 */
function startsWithWord(html: string): boolean {
  let at = 0;
  for (;;) {
    const c = html.charCodeAt(at);
    if (c === 0x3c) {
      const close = html.indexOf('>', at + 1);
      if (close < 0) return false;
      at = close + 1;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
    else return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  }
}
