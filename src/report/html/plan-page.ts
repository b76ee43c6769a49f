import type { PlanResult } from '../../pipeline/plan-import.ts';
import { durationRows, existingModesTable, minutesText, requestRows } from '../summary.ts';
import { barChart } from './bar-chart.ts';
import { esc, num } from './escape.ts';
import { hbarChart } from './hbar-chart.ts';
import { htmlPage, paragraph, section, table, tiles } from './page.ts';

export interface PlanRejects {
  readonly total: number;
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly examples: readonly string[] }[];
  readonly first: readonly { readonly reason: string; readonly message: string; readonly ticket?: string; readonly id?: string; readonly origin: { readonly file: string; readonly line: number } }[];
}

/** Authors listed by name: the rest are counted (plan.json lists every one). */
const AUTHORS_LISTED = 50;

/** plan.html: the plan for a team to read, every list bounded (a 1M-note plan is a few tens of KB). */
export function planHtml(result: PlanResult, rejects: PlanRejects, assumption: string): string {
  const p = result.plan;
  const e = result.estimate;
  const createdForTickets = p.newConversations - p.continuations;
  const body: string[] = [
    tiles([
      ['rows read', result.rowsRead],
      ['notes to import', p.notes],
      ['already settled by earlier runs', result.settledBefore],
      ['rejected', rejects.total],
      ['existing conversations touched', p.existingConversations],
      ['new conversations', createdForTickets],
      ['continuations (100-thread limit)', p.continuations],
      ['requests', e.requests.total],
      ['rate units', e.units],
      [`estimated at ${num(result.unitsPerMinute)} units/min`, minutesText(e.minutes)],
    ]),
    paragraph(assumption, 'note'),
  ];
  const histogram = result.notesPerConversation ?? [];
  body.push(
    section(
      'Notes per conversation',
      barChart({
        id: 'notes-per-conversation',
        title: 'Conversations by the number of notes they get',
        desc: `${num(p.lanes)} conversations; the most notes in one is ${num(p.maxNotesPerLane)}, 95 % get at most ${num(p.p95NotesPerLane)}. ${histogram.filter((b) => b.count > 0).map((b) => `${b.label} notes: ${num(b.count)} conversations`).join('; ')}.`,
        caption: `Max ${num(p.maxNotesPerLane)} notes in one conversation, p95 ${num(p.p95NotesPerLane)}. Over 99 notes a conversation goes on in a continuation (Help Scout's 100-thread limit).`,
        labelName: 'notes in the conversation',
        valueName: 'conversations',
        bars: histogram.map((b) => ({ label: b.label, value: b.count })),
      }),
    ),
  );
  const timeline = result.timeline;
  if (timeline !== undefined && timeline.buckets.length > 0) {
    const busiest = timeline.buckets.reduce((a, b) => (b.count > a.count ? b : a));
    body.push(
      section(
        'The export over time',
        barChart({
          id: 'timeline',
          title: `Notes in the export by ${timeline.unit} of their createdAt`,
          desc: `From ${timeline.buckets[0]?.label ?? ''} to ${timeline.buckets[timeline.buckets.length - 1]?.label ?? ''}; the busiest ${timeline.unit} is ${busiest.label} with ${num(busiest.count)} notes.`,
          caption: 'Every note of the export, settled ones included; a stray date far from the rest shows as a lone bar.',
          labelName: timeline.unit,
          valueName: 'notes',
          bars: timeline.buckets.map((b) => ({ label: b.label, value: b.count })),
        }),
      ),
    );
  }
  const plans = durationRows(e, result.unitsPerMinute);
  body.push(
    section(
      'Requests and time',
      table(
        ['request', 'count', 'rate units'],
        requestRows(e),
      ),
      hbarChart({
        id: 'duration-by-plan',
        title: 'Estimated duration per account plan',
        desc: `${num(e.units)} rate units: ${plans.map(([name, rate, minutes]) => `${name} (${num(rate)} units/min) ${minutesText(minutes)}`).join(', ')}.`,
        caption: 'A write costs 2 rate units, a GET 1. Other apps on the account spend the same budget: the run takes longer if they do.',
        labelName: 'account plan',
        valueName: 'minutes',
        rows: plans.map(([name, rate, minutes]) => ({ label: `${name} (${num(rate)} units/min)`, value: Math.round(minutes * 10) / 10, valueText: minutesText(minutes), fill: name === 'this config' ? 'hatch' : 'solid' })),
      }),
    ),
  );
  if (result.existingModes !== undefined) {
    const modes = existingModesTable(result.existingModes);
    body.push(section('Existing conversations: append or side conversation', paragraph(modes.intro), table(modes.header, modes.rows)));
  }
  body.push(
    section(
      'Largest conversations',
      result.largestLanes.length === 0
        ? paragraph('None.')
        : hbarChart({
            id: 'largest-conversations',
            title: `The ${result.largestLanes.length} conversations with the most notes`,
            desc: result.largestLanes.map((l) => `${l.lane}: ${num(l.notes)} notes, ${num(l.requests)} requests`).join('; '),
            labelName: 'conversation',
            valueName: 'notes',
            rows: result.largestLanes.map((l) => ({ label: l.lane, value: l.notes })),
            extraColumns: { header: ['requests'], rows: result.largestLanes.map((l) => [l.requests]) },
          }),
    ),
  );
  body.push(
    section(
      'Rejects by reason',
      ...(rejects.reasons.length === 0
        ? [paragraph('None: every row of the export can be imported.')]
        : [
            hbarChart({
              id: 'rejects-by-reason',
              title: 'Rejected rows by reason',
              desc: rejects.reasons.map((r) => `${r.reason}: ${num(r.count)}`).join('; '),
              labelName: 'reason',
              valueName: 'rows',
              rows: rejects.reasons.map((r) => ({ label: r.reason, value: r.count })),
            }),
            table(['reason', 'count', 'examples (file:line ticket:note message)'], rejects.reasons.map((r) => [r.reason, r.count, { html: r.examples.map((x) => esc(x)).join('<br>') }])),
            table(['where', 'ticket', 'note', 'reason', 'message'], rejects.first.map((r) => [`${r.origin.file}:${r.origin.line}`, r.ticket ?? '', r.id ?? '', r.reason, r.message]), `The first ${rejects.first.length} rejects in source order`),
          ]),
    ),
  );
  const unmatched = result.authors.authors.filter((a) => a.user === undefined);
  const { note, customer, reply } = result.authors.threads;
  body.push(
    section(
      'Authors',
      table(['thread type', 'count'], [['note', note], ['customer', customer], ['reply', reply], ['with a mapped Help Scout user', result.authors.notesWithUser], ['author not named by the export', result.authors.notesWithoutAuthor]]),
      unmatched.length === 0
        ? paragraph(result.authors.authors.length === 0 ? 'No agent authors in the export.' : `All ${num(result.authors.authors.length)} authors match a Help Scout user.`)
        : [
            paragraph(`${num(unmatched.length)} of ${num(result.authors.authors.length)} authors match no Help Scout user: their messages go out as the default user with their name in the attribution line. Invite them or map them in source.userMap before the run.`),
            table(['unmatched author', 'notes and replies'], unmatched.slice(0, AUTHORS_LISTED).map((a) => [a.email, a.notes]), unmatched.length > AUTHORS_LISTED ? `The first ${AUTHORS_LISTED} of ${num(unmatched.length)}; plan.json lists every one` : undefined),
          ].join('\n'),
    ),
  );
  if (result.delta !== undefined) {
    const d = result.delta;
    body.push(section('Delta: a newer export against this import', table(['what', 'notes'], [
      ['imported by earlier runs (skipped)', d.importedBefore],
      ['new, in tickets already imported', d.newInKnownTickets],
      ['new, in tickets never seen', d.newInNewTickets],
      ['changed since import (never sent again)', d.changedSinceImport.length],
    ])));
  }
  return htmlPage({
    title: 'hs-import plan',
    subtitle: `A dry run: nothing was written to Help Scout. ${num(p.notes)} notes to import, ${num(e.requests.total)} requests, about ${minutesText(e.minutes)}.`,
    simulated: result.simulated,
    body,
  });
}

