import { createHash } from 'node:crypto';

/**
 * A note's text as Help Scout may give it back: tags stripped, entities of the common kind
 * decoded, whitespace folded. Equal fingerprints + equal createdAt = the same note.
 */
export function textFingerprint(html: string): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
