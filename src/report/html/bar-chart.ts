import { esc, num } from './escape.ts';
import { bandLabels, figure, hatch, niceMax, r, valueAxis } from './figure.ts';
import { table } from './page.ts';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Drawn hatched and named in its label: over the reference line, for one. */
  readonly flagged?: boolean;
  /** A small triangle above the bar with this text (e.g. "2 × 429"). */
  readonly marker?: string;
}

export interface BarChartOptions {
  readonly id: string;
  readonly title: string;
  readonly desc: string;
  readonly caption?: string;
  readonly labelName: string;
  readonly valueName: string;
  readonly bars: readonly Bar[];
  /** A dashed line across the chart, labelled (a budget). */
  readonly reference?: { readonly value: number; readonly label: string };
  /** Extra columns of the data table, one array per bar. */
  readonly extraColumns?: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
  readonly flaggedName?: string;
}

const W = 760;
const H = 280;
const LEFT = 56;
/** Room on the right for the reference line's label, clear of the bars' own labels. */
const RIGHT = W - 66;
const TOP = 26;
const BOTTOM = H - 32;

/** Vertical bars on a band axis: histograms, timelines, rate windows. One `.mark` a bar. */
export function barChart(o: BarChartOptions): string {
  const n = o.bars.length;
  const max = niceMax(Math.max(1, ...o.bars.map((b) => b.value), o.reference?.value ?? 0) * 1.05);
  const band = (RIGHT - LEFT) / Math.max(1, n);
  const width = Math.max(0.6, band * (n > 60 ? 0.9 : 0.75));
  const y = (v: number): number => BOTTOM - ((BOTTOM - TOP) * v) / max;
  const hatchId = `${o.id}-hatch`;
  const labelled = n <= 24;
  const parts: string[] = [`<defs>${hatch(hatchId, '#b3261e')}</defs>`, valueAxis(max, LEFT, RIGHT, TOP, BOTTOM)];
  o.bars.forEach((b, i) => {
    const x = LEFT + band * i + (band - width) / 2;
    const top = y(b.value);
    const fill = b.flagged === true ? ` fill="url(#${esc(hatchId)})" stroke="#b3261e"` : '';
    parts.push(`<rect class="mark" data-value="${b.value}" x="${r(x)}" y="${r(top)}" width="${r(width)}" height="${r(BOTTOM - top)}"${fill}><title>${esc(`${b.label}: ${num(b.value)} ${o.valueName}${b.flagged === true ? ` (${o.flaggedName ?? 'flagged'})` : ''}${b.marker === undefined ? '' : `, ${b.marker}`}`)}</title></rect>`);
    if (labelled && b.value > 0) parts.push(`<text x="${r(x + width / 2)}" y="${r(top - 4)}" text-anchor="middle">${esc(num(b.value))}</text>`);
    if (b.marker !== undefined) {
      const cx = x + width / 2;
      parts.push(`<path class="flag marker" d="M${r(cx - 5)} ${TOP - 14}h10l-5 8z"><title>${esc(`${b.label}: ${b.marker}`)}</title></path>`);
      if (labelled) parts.push(`<text x="${r(cx + 7)}" y="${TOP - 7}">${esc(b.marker)}</text>`);
    }
  });
  if (o.reference) {
    const ry = y(o.reference.value);
    parts.push(`<line class="ref" x1="${LEFT}" x2="${RIGHT}" y1="${r(ry)}" y2="${r(ry)}"/>`);
    const [name = '', ...rest] = o.reference.label.split(' ');
    parts.push(`<text class="ref-label" x="${RIGHT + 6}" y="${r(ry - 2)}">${esc(name)}</text><text class="ref-label" x="${RIGHT + 6}" y="${r(ry + 11)}">${esc(rest.join(' '))}</text>`);
  }
  parts.push(bandLabels(o.bars.map((b) => b.label), LEFT, band, BOTTOM + 16));
  parts.push(`<text x="${r((LEFT + RIGHT) / 2)}" y="${H - 2}" text-anchor="middle" class="axis-name">${esc(o.labelName)}</text><text x="6" y="14">${esc(o.valueName)}</text>`);
  const extra = o.extraColumns;
  const rows = o.bars.map((b, i) => [b.label, b.value, ...(extra?.rows[i] ?? [])]);
  return figure({
    id: o.id,
    title: o.title,
    desc: o.desc,
    width: W,
    height: H,
    svg: parts.join('\n'),
    marks: n,
    ...(o.caption === undefined ? {} : { caption: o.caption }),
    table: table([o.labelName, o.valueName, ...(extra?.header ?? [])], rows),
  });
}
