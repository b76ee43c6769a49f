import { esc, num } from './escape.ts';
import { dots, figure, hatch, niceMax, r } from './figure.ts';
import { table } from './page.ts';

export type Fill = 'solid' | 'hatch' | 'dots';

export interface Row {
  readonly label: string;
  readonly value: number;
  /** How the bar is filled: tells rows apart without colour, with its label and value beside it. */
  readonly fill?: Fill;
  /** Written after the value ("12.3 min"). */
  readonly valueText?: string;
}

export interface HBarChartOptions {
  readonly id: string;
  readonly title: string;
  readonly desc: string;
  readonly caption?: string;
  readonly labelName: string;
  readonly valueName: string;
  readonly rows: readonly Row[];
  readonly extraColumns?: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
}

const W = 760;
const LABEL = 230;
const ROW = 26;

/** Labelled horizontal bars for categories (reasons, plans, verdicts). One `.mark` a row. */
export function hbarChart(o: HBarChartOptions): string {
  const height = 12 + o.rows.length * ROW + 8;
  const max = niceMax(Math.max(1, ...o.rows.map((row) => row.value)));
  const right = W - 140;
  const fills: Record<Fill, string> = { solid: '', hatch: ` fill="url(#${esc(o.id)}-hatch)" stroke="#b3261e"`, dots: ` fill="url(#${esc(o.id)}-dots)" stroke="#8a5a00"` };
  const parts: string[] = [`<defs>${hatch(`${o.id}-hatch`, '#b3261e')}${dots(`${o.id}-dots`, '#8a5a00')}</defs>`];
  o.rows.forEach((row, i) => {
    const y = 12 + i * ROW;
    const w = ((right - LABEL) * row.value) / max;
    const label = row.label.length > 36 ? `${row.label.slice(0, 35)}…` : row.label;
    parts.push(`<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text>`);
    parts.push(`<rect class="mark" data-value="${row.value}" x="${LABEL}" y="${y + 3}" width="${r(Math.max(row.value > 0 ? 1 : 0, w))}" height="${ROW - 8}"${fills[row.fill ?? 'solid']}><title>${esc(`${row.label}: ${row.valueText ?? num(row.value)}`)}</title></rect>`);
    parts.push(`<text x="${r(LABEL + w + 6)}" y="${y + 15}">${esc(row.valueText ?? num(row.value))}</text>`);
  });
  parts.push(`<line class="axis" x1="${LABEL}" x2="${LABEL}" y1="8" y2="${height - 6}"/>`);
  const extra = o.extraColumns;
  return figure({
    id: o.id,
    title: o.title,
    desc: o.desc,
    width: W,
    height,
    svg: parts.join('\n'),
    marks: o.rows.length,
    ...(o.caption === undefined ? {} : { caption: o.caption }),
    table: table([o.labelName, o.valueName, ...(extra?.header ?? [])], o.rows.map((row, i) => [row.label, row.valueText ?? row.value, ...(extra?.rows[i] ?? [])])),
  });
}
