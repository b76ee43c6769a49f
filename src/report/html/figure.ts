import { esc, num } from './escape.ts';

/**
 * A chart: inline SVG with role="img", a <title> and a <desc> that say what it shows in words,
 * and the same numbers as a table below it (the text alternative a screen reader, a print-out
 * without colour or a copy into a spreadsheet can use). `data-marks` is how many data marks
 * (bars, points) it draws: the browser test counts them against the data.
 */
export interface FigureOptions {
  readonly id: string;
  readonly title: string;
  readonly desc: string;
  readonly width: number;
  readonly height: number;
  readonly svg: string;
  readonly marks: number;
  readonly caption?: string;
  /** The data as an HTML table (already escaped). */
  readonly table: string;
}

export function figure(o: FigureOptions): string {
  return [
    `<figure class="chart" id="${esc(o.id)}" data-marks="${o.marks}">`,
    `<svg viewBox="0 0 ${o.width} ${o.height}" role="img" aria-labelledby="${esc(o.id)}-title ${esc(o.id)}-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${esc(o.id)}-title">${esc(o.title)}</title>`,
    `<desc id="${esc(o.id)}-desc">${esc(o.desc)}</desc>`,
    o.svg,
    '</svg>',
    ...(o.caption === undefined ? [] : [`<figcaption>${esc(o.caption)}</figcaption>`]),
    `<details><summary>Data table: ${esc(o.title)}</summary>${o.table}</details>`,
    '</figure>',
  ].join('\n');
}

const STEPS = [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10];

/** A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  // Quarters of each stay round (the axis has a grid line at each quarter).
  return (STEPS.find((step) => f <= step) ?? 10) * power;
}

/** Horizontal grid lines and their labels at 0, ¼, ½, ¾ and the top of a value axis. */
export function valueAxis(max: number, left: number, right: number, top: number, bottom: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = bottom - ((bottom - top) * i) / 4;
    parts.push(`<line class="${i === 0 ? 'axis' : 'grid'}" x1="${left}" x2="${right}" y1="${r(y)}" y2="${r(y)}"/>`);
    parts.push(`<text x="${left - 6}" y="${r(y + 4)}" text-anchor="end">${esc(short(value))}</text>`);
  }
  return parts.join('');
}

/** Category labels under a band axis, thinned to about `most` so they never overlap. */
export function bandLabels(labels: readonly string[], left: number, band: number, y: number, most = 12): string {
  const every = Math.max(1, Math.ceil(labels.length / most));
  return labels
    .map((label, i) => (i % every === 0 ? `<text x="${r(left + band * (i + 0.5))}" y="${y}" text-anchor="middle">${esc(label)}</text>` : ''))
    .join('');
}

/** Hatching, for bars that must stand out without colour (over a budget, missing, …). */
export function hatch(id: string, colour: string): string {
  return `<pattern id="${esc(id)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${colour}" stroke-width="3"/></pattern>`;
}

export function dots(id: string, colour: string): string {
  return `<pattern id="${esc(id)}" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.5" fill="${colour}"/></pattern>`;
}

/** 1234 → "1.2k": axis labels stay short. */
export function short(value: number): string {
  const a = Math.abs(value);
  if (a >= 1e9) return `${trim(value / 1e9)}G`;
  if (a >= 1e6) return `${trim(value / 1e6)}M`;
  if (a >= 1e4) return `${trim(value / 1e3)}k`;
  return num(Math.round(value * 10) / 10);
}

function trim(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

/** Coordinates with one decimal: enough on screen and in print, and the file stays small. */
export function r(value: number): string {
  return String(Math.round(value * 10) / 10);
}
