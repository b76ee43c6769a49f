import { esc, num } from './escape.ts';
import { bandLabels, figure, niceMax, r, valueAxis } from './figure.ts';
import { table } from './page.ts';

export interface LinePoint {
  readonly label: string;
  readonly value: number;
}

export interface LineChartOptions {
  readonly id: string;
  readonly title: string;
  readonly desc: string;
  readonly caption?: string;
  readonly labelName: string;
  readonly valueName: string;
  readonly points: readonly LinePoint[];
  /** A dashed line across (the total to reach), labelled. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const W = 760;
const H = 260;
const LEFT = 56;
const RIGHT = W - 12;
const TOP = 20;
const BOTTOM = H - 32;

/** A line through one point per time step (a cumulative count), area shaded. One `.mark` a point. */
export function lineChart(o: LineChartOptions): string {
  const n = o.points.length;
  const max = niceMax(Math.max(1, ...o.points.map((p) => p.value), o.reference?.value ?? 0) * 1.05);
  const band = (RIGHT - LEFT) / Math.max(1, n);
  const x = (i: number): number => LEFT + band * (i + 0.5);
  const y = (v: number): number => BOTTOM - ((BOTTOM - TOP) * v) / max;
  const path = o.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(x(i))} ${r(y(p.value))}`).join('');
  const parts: string[] = [valueAxis(max, LEFT, RIGHT, TOP, BOTTOM)];
  if (n > 0) {
    parts.push(`<path d="${path}L${r(x(n - 1))} ${BOTTOM}L${r(x(0))} ${BOTTOM}z" fill="#2f6db5" fill-opacity="0.12"/>`);
    parts.push(`<path class="line" d="${path}"/>`);
  }
  const radius = n > 200 ? 1.2 : n > 60 ? 2 : 3;
  o.points.forEach((p, i) => {
    parts.push(`<circle class="mark" data-value="${p.value}" cx="${r(x(i))}" cy="${r(y(p.value))}" r="${radius}"><title>${esc(`${p.label}: ${num(p.value)} ${o.valueName}`)}</title></circle>`);
  });
  if (o.reference) {
    const ry = y(o.reference.value);
    parts.push(`<line class="ref" x1="${LEFT}" x2="${RIGHT}" y1="${r(ry)}" y2="${r(ry)}"/><text class="ref-label" x="${LEFT + 6}" y="${r(ry - 5)}">${esc(o.reference.label)}</text>`);
  }
  parts.push(bandLabels(o.points.map((p) => p.label), LEFT, band, BOTTOM + 16, 8));
  parts.push(`<text x="${r((LEFT + RIGHT) / 2)}" y="${H - 2}" text-anchor="middle" class="axis-name">${esc(o.labelName)}</text><text x="6" y="12">${esc(o.valueName)}</text>`);
  return figure({
    id: o.id,
    title: o.title,
    desc: o.desc,
    width: W,
    height: H,
    svg: parts.join('\n'),
    marks: n,
    ...(o.caption === undefined ? {} : { caption: o.caption }),
    table: table([o.labelName, o.valueName], o.points.map((p) => [p.label, p.value])),
  });
}
