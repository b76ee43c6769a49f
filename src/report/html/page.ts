import { esc, num } from './escape.ts';

/**
 * The shell every HTML report shares: one file, no network (a Content-Security-Policy that
 * allows nothing to load), styles inlined, no script needed, and a print stylesheet.
 */
export interface PageOptions {
  readonly title: string;
  /** One line under the title: target, time, files. */
  readonly subtitle: string;
  readonly simulated: boolean;
  /** Already-escaped HTML of the sections. */
  readonly body: readonly string[];
}

const CSS = `
:root { --ink: #1d2733; --muted: #5b6776; --line: #c9d1db; --bar: #2f6db5; --bar2: #8a5a00; --warn: #b3261e; --ok: #1e7b3a; --bg: #fff; --panel: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1040px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
p.sub { color: var(--muted); margin: 0 0 16px; }
.banner { border: 2px dashed var(--muted); padding: 8px 12px; margin: 12px 0; font-weight: 600; }
.verdict { font-size: 18px; font-weight: 600; margin: 12px 0; }
.verdict.ok::before { content: "✔ "; color: var(--ok); }
.verdict.bad::before { content: "✘ "; color: var(--warn); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; margin: 12px 0; }
.tile { background: var(--panel); border-radius: 6px; padding: 10px 12px; }
.tile b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.tile span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
figure.chart { margin: 12px 0 20px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { color: var(--muted); font-size: 13px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg text.axis-name { fill: var(--muted); font-style: italic; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .mark { fill: var(--bar); }
svg .line { fill: none; stroke: var(--bar); stroke-width: 2; }
svg .ref { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .ref-label { fill: var(--warn); font-weight: 600; }
svg .flag { fill: var(--warn); }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 13px; }
code { font-size: 13px; }
a { color: var(--bar); }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure.chart, table, .tiles { break-inside: avoid; }
  details:not([open]) { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 9pt; }
}
`;

export function htmlPage(options: PageOptions): string {
  const tag = options.simulated ? ' [simulated]' : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing loads from anywhere: the file opens the same offline, from a mail attachment or a share.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(options.title + tag)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    `<h1>${esc(options.title + tag)}</h1>`,
    `<p class="sub">${esc(options.subtitle)}</p>`,
    ...(options.simulated ? ['<p class="banner">[simulated] Target: the embedded Help Scout simulator. Nothing here concerns a real account.</p>'] : []),
    ...options.body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

export function section(title: string, ...content: string[]): string {
  return [`<section><h2>${esc(title)}</h2>`, ...content, '</section>'].join('\n');
}

export function paragraph(text: string, className?: string): string {
  return `<p${className === undefined ? '' : ` class="${esc(className)}"`}>${esc(text)}</p>`;
}

/** Big numbers with their names. */
export function tiles(items: readonly (readonly [string, number | string])[]): string {
  return `<div class="tiles">${items.map(([label, value]) => `<div class="tile"><b>${esc(typeof value === 'number' ? num(value) : value)}</b><span>${esc(label)}</span></div>`).join('')}</div>`;
}

export type Cell = string | number | { readonly html: string };

/** A table; numbers align right. Cells are escaped unless given as `{ html }`. */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const cell = (c: Cell | undefined): string => (c === undefined ? '' : typeof c === 'number' ? num(c) : typeof c === 'string' ? esc(c) : c.html);
  return [
    '<table>',
    ...(caption === undefined ? [] : [`<caption class="note">${esc(caption)}</caption>`]),
    `<thead><tr>${header.map((h, i) => `<th scope="col"${numeric[i] === true ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] === true ? ' class="n"' : ''}>${cell(c)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

export function link(href: string, text: string): { html: string } {
  return { html: `<a href="${esc(href)}">${esc(text)}</a>` };
}
