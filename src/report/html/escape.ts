/** Text for HTML and SVG content and attribute values: the five characters that could end one. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** 1234567 → "1,234,567": the same on every machine (no locale). */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(1);
  const [whole = '', fraction] = rounded.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** An id safe in HTML, SVG and CSS selectors. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}
