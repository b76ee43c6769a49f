import type { RunResult } from '../../pipeline/run-import.ts';
import type { RateWindows } from '../../pipeline/rate-windows.ts';
import { rateUseText } from '../rate-use.ts';
import { minutesText } from '../summary.ts';
import { barChart } from './bar-chart.ts';
import { esc, num } from './escape.ts';
import { hbarChart } from './hbar-chart.ts';
import { lineChart } from './line-chart.ts';
import { htmlPage, link, paragraph, section, table, tiles } from './page.ts';

export interface RunReasons {
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly examples: readonly string[] }[];
}

/** run.html: the run's outcome for a manager, from what the run recorded (its rate windows). */
export function runHtml(result: RunResult, rejects: RunReasons, where: string): string {
  const c = result.counts;
  const d = result.delivery;
  const q = result.requests;
  const windows = result.rateWindows;
  const body: string[] = [
    paragraph(
      result.interrupted
        ? 'Interrupted: stopped on Ctrl-C after the requests in flight; the checkpoint is flushed, run again to resume.'
        : c.rejected === 0 && c.inDoubt === 0
          ? `Every selected note landed: ${num(c.done)} done.`
          : `${num(c.done)} notes done; ${num(c.rejected)} rejected and ${num(c.inDoubt)} in doubt need a look.`,
      `verdict ${!result.interrupted && c.rejected === 0 && c.inDoubt === 0 ? 'ok' : 'bad'}`,
    ),
    tiles([
      ['notes done', c.done],
      ['… in earlier runs', c.doneBefore],
      ['rejected', c.rejected],
      ['in doubt', c.inDoubt],
      ['left', c.left],
      ['conversations created', d.createsDone],
      ['requests', q.requests],
      ['answered 429', q.rateLimited],
      ['retries', q.retries],
      ['duration', minutesText(result.durationMs / 60_000)],
    ]),
  ];
  body.push(section('Rate used per window', ...rateSection(windows, result)));
  if (windows !== undefined && windows.points.length > 0) {
    let total = 0;
    const cumulative = windows.points.map((p) => ({ label: clock(p.start, windows), value: (total += p.notes) }));
    body.push(
      section(
        'Notes done over time',
        lineChart({
          id: 'notes-over-time',
          title: 'Notes done by this run, cumulative, per rate window',
          desc: `${num(total)} notes done over ${num(windows.use.windows)} windows of ${windows.windowMs / 1000} s, from ${cumulative[0]?.label ?? ''} to ${cumulative[cumulative.length - 1]?.label ?? ''} (UTC).`,
          caption: `UTC, one point per ${pointSpan(windows)}. Notes done by earlier runs of this import (${num(c.doneBefore)}) are not in it.`,
          labelName: 'window start (UTC)',
          valueName: 'notes done',
          points: cumulative,
        }),
      ),
    );
  }
  body.push(
    section(
      'Conversations',
      hbarChart({
        id: 'conversations',
        title: 'Conversations created, continued and followed',
        desc: `${num(d.createsDone)} conversations created (${num(result.plan.continuations)} planned as continuations past the 100-thread limit), ${num(result.plan.existingConversations)} existing ones written to, ${num(d.moved)} merged targets followed, ${num(d.replans)} re-plans.`,
        labelName: 'what',
        valueName: 'conversations',
        rows: [
          { label: 'created', value: d.createsDone },
          { label: 'continuations planned (100-thread limit)', value: result.plan.continuations, fill: 'dots' },
          { label: 'existing conversations in the plan', value: result.plan.existingConversations },
          { label: 'merged targets followed', value: d.moved, fill: 'hatch' },
          { label: 're-planned (412/413/merge)', value: d.replans, fill: 'hatch' },
        ],
      }),
    ),
  );
  body.push(
    section(
      'Rejects and notes in doubt',
      ...(rejects.reasons.length === 0
        ? [paragraph('No note was rejected.')]
        : [
            hbarChart({
              id: 'rejects-by-reason',
              title: 'Rejected notes by reason',
              desc: rejects.reasons.map((r) => `${r.reason}: ${num(r.count)}`).join('; '),
              labelName: 'reason',
              valueName: 'notes',
              rows: rejects.reasons.map((r) => ({ label: r.reason, value: r.count })),
            }),
            table(['reason', 'count', 'examples (file:line ticket:note message)'], rejects.reasons.map((r) => [r.reason, r.count, { html: r.examples.map((x) => esc(x)).join('<br>') }])),
          ]),
      paragraph(c.inDoubt === 0 ? 'No note is in doubt.' : `${num(c.inDoubt)} notes are in doubt: a request may or may not have landed. Run again: the next run asks Help Scout first and sends only what is not there.`),
      `<p>${link('rejects.csv', 'rejects.csv').html}: every rejected note with its original columns and the reason; fix the rows and run again with it as the source. ${link('id-map.csv', 'id-map.csv').html}: where every imported note is in Help Scout.</p>`,
    ),
  );
  return htmlPage({
    title: 'hs-import run report',
    subtitle: `Target: ${where}. ${num(c.done)} notes done, ${num(c.rejected)} rejected, ${num(c.inDoubt)} in doubt, ${num(c.left)} left, in ${minutesText(result.durationMs / 60_000)}.`,
    simulated: result.simulated,
    body,
  });
}

function rateSection(windows: RateWindows | undefined, result: RunResult): string[] {
  const pauses = `429 answers: ${num(result.requests.rateLimited)}; pauses for them: ${num(result.rate.pauses)} (${(result.rate.pausedMs / 1000).toFixed(1)} s); retries: ${num(result.requests.retries)}.`;
  if (windows === undefined || windows.points.length === 0) return [paragraph(`Rate used: ${rateUseText(windows)}. ${pauses}`)];
  const merged = windows.pointWindows > 1;
  return [
    paragraph(`Rate used: ${rateUseText(windows)}. ${pauses}`),
    barChart({
      id: 'rate-windows',
      title: `Rate units per ${windows.windowMs / 1000} s window against the budget of ${num(windows.budget)}`,
      desc: `${num(windows.use.windows)} windows; busiest ${num(windows.use.busiest)} units, ${num(windows.use.overBudget)} over budget, ${num(windows.use.rateLimited)} requests answered 429 (marked with a triangle). The first and last windows are partial.`,
      caption: `${merged ? `A long run: each bar is ${windows.pointWindows} windows, its height their average, hatched if one of them passed the budget. ` : ''}UTC, the server's clock windows. Dashed line: the budget. Hatched bars: over it. Triangles: 429 answers.`,
      labelName: 'window start (UTC)',
      valueName: merged ? 'units per window (average)' : 'units',
      bars: windows.points.map((p) => ({
        label: clock(p.start, windows),
        value: merged ? Math.round((10 * p.units) / p.windows) / 10 : p.units,
        flagged: p.maxUnits > windows.budget,
        ...(p.rateLimited > 0 ? { marker: `${p.rateLimited} × 429` } : {}),
      })),
      reference: { value: windows.budget, label: `budget ${num(windows.budget)}` },
      flaggedName: 'over budget',
      extraColumns: { header: ['busiest window', 'requests', '429s', 'notes done'], rows: windows.points.map((p) => [p.maxUnits, p.requests, p.rateLimited, p.notes]) },
    }),
  ];
}

/** A window's start as UTC clock time; with the date when the run spans days. */
function clock(ms: number, windows: RateWindows): string {
  const iso = new Date(ms).toISOString();
  const first = windows.points[0]?.start ?? ms;
  const last = windows.points[windows.points.length - 1]?.start ?? ms;
  return last - first >= 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : windows.windowMs < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
}

function pointSpan(windows: RateWindows): string {
  return windows.pointWindows === 1 ? `${windows.windowMs / 1000} s window` : `${windows.pointWindows} windows of ${windows.windowMs / 1000} s`;
}
