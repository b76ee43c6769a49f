// An opening or closing tag such as `<p>`, `<br/>`, `<a href=…>`, `</div>`. Plain text with
// comparisons ("a < b", "<3") does not match, so it gets escaped rather than sent as markup.
const TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/i;

/** csv/jsonl `text` may be HTML or plain text (DESIGN §3): decide per row. */
export function looksLikeHtml(text: string): boolean {
  return text.includes('<') && TAG.test(text);
}
