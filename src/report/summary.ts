import type { AuthorsSummary } from '../authors/authors-summary.ts';
import type { DeltaSummary } from '../pipeline/delta.ts';
import type { Reject } from '../core/reject.ts';
import { PLAN_BUDGETS } from '../config/schema.ts';
import type { Estimate, PlanResult } from '../pipeline/plan-import.ts';

/** Rejects counted by reason, with the first few examples of each, for reports. */
export function rejectsByReason(rejects: readonly Pick<Reject, 'reason' | 'message' | 'origin' | 'ticket' | 'id'>[], examples = 3): { reason: string; count: number; examples: string[] }[] {
  const byReason = new Map<string, { count: number; examples: string[] }>();
  for (const r of rejects) {
    let entry = byReason.get(r.reason);
    if (!entry) byReason.set(r.reason, (entry = { count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < examples) entry.examples.push(`${r.origin.file}:${r.origin.line} ${r.ticket ?? '?'}:${r.id ?? '?'} ${r.message}`);
  }
  return [...byReason].map(([reason, e]) => ({ reason, ...e })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

export function mdTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function minutesText(minutes: number): string {
  if (minutes < 1) return `${Math.ceil(minutes * 60)} s`;
  if (minutes < 120) return `${minutes.toFixed(1)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

/** Every line a report prints says so when the target is the embedded simulator. */
export function simulatedTag(simulated: boolean): string {
  return simulated ? ' [simulated]' : '';
}

export interface NoteCounts {
  readonly done: number;
  readonly rejected: number;
  readonly inDoubt: number;
  readonly left: number;
}

/** The first line of `run` and of `status`: the same four numbers, worded the same way. */
export function notesLine(prefix: string, counts: NoteCounts, doneDetail: string): string {
  return `${prefix}: ${counts.done} notes done (${doneDetail}), ${counts.rejected} rejected, ${counts.inDoubt} in doubt, ${counts.left} left`;
}

/** What a delta brings, for plan and run reports alike: one line, a Markdown section, JSON. */
export function deltaSection(delta: DeltaSummary | undefined, tag: string): { line: string[]; md: string[] } {
  if (delta === undefined) return { line: [], md: [] };
  const changed = delta.changedSinceImport;
  const shown = changed.slice(0, 100);
  return {
    line: [
      `delta${tag}: ${delta.importedBefore} notes imported earlier (skipped), ${delta.newInKnownTickets + delta.newInNewTickets} new (${delta.newInKnownTickets} in known tickets, going on in their conversations; ${delta.newInNewTickets} in new tickets), ${changed.length} changed since import (not sent again)`,
    ],
    md: [
      '## Delta: a newer export against this import',
      '',
      mdTable(
        ['what', 'notes'],
        [
          ['imported by earlier runs (skipped)', delta.importedBefore],
          ['new, in tickets already imported (go on in their conversation chain)', delta.newInKnownTickets],
          ['new, in tickets never seen (new conversations, or the one the export names)', delta.newInNewTickets],
          ['changed since import (listed, never sent again)', changed.length],
        ],
      ),
      '',
      changed.length === 0 ? 'No imported note changed at the source.' : `Changed since import (\`ticket:note\`${changed.length > shown.length ? `, first ${shown.length} of ${changed.length}; all in the JSON report` : ''}): ${shown.map((c) => `${c.ticket}:${c.note}`).join(', ')}`,
      '',
    ],
  };
}

/** DESIGN §11: append, side and auto side by side for the existing conversations, in requests and time. */
export function existingModesSection(modes: PlanResult['existingModes'], tag: string): { line: string[]; md: string[] } {
  if (modes === undefined) return { line: [], md: [] };
  const { header, rows, intro } = existingModesTable(modes);
  const line = modes.modes.map((m) => `${m.mode} ${m.writes} writes, pro ${minutesText(modes.estimates[m.mode].minutesByPlan.pro)}`).join('; ');
  return {
    line: [`existing${tag}: ${modes.notes} notes for ${modes.conversations} existing conversations: ${line} (policy.existing "${modes.configured}")`],
    md: ['## Existing conversations: append or side conversation', '', intro, '', mdTable(header, rows), ''],
  };
}

/** The three modes as one table, for plan.md and plan.html alike. */
export function existingModesTable(modes: NonNullable<PlanResult['existingModes']>): { header: string[]; rows: (string | number)[][]; intro: string } {
  const label = (mode: string): string => (mode === modes.configured ? `${mode} (configured)` : mode);
  return {
    intro: `${modes.notes} notes go to ${modes.conversations} existing conversations. policy.existing "append" writes each note into its conversation (one request a note); "side" puts the history in a linked side conversation (up to 100 notes a request, plus one link note in the original); "auto" goes side from policy.sideThreshold notes on. Durations are for the whole import.`,
    header: ['policy.existing', 'writes for existing conversations', 'side conversations begun', 'requests a note', 'rate units (whole import)', 'standard', 'plus', 'pro'],
    rows: modes.modes.map((m) => {
      const e = modes.estimates[m.mode];
      return [label(m.mode), m.writes, m.side, (m.writes / Math.max(1, modes.notes)).toFixed(3), e.units, minutesText(e.minutesByPlan.standard), minutesText(e.minutesByPlan.plus), minutesText(e.minutesByPlan.pro)];
    }),
  };
}

/** Authors and thread types, for plan and run reports alike (DESIGN §8). */
export function authorsSection(summary: AuthorsSummary, tag: string, source: string): { line: string[]; md: string[] } {
  const unmatched = summary.authors.filter((a) => a.user === undefined);
  const matched = summary.authors.length - unmatched.length;
  const { note, customer, reply } = summary.threads;
  const shown = summary.authors.slice(0, 50);
  return {
    line: [
      `threads${tag}: ${note} notes, ${customer} customer threads, ${reply} replies; ${summary.notesWithUser} carry a mapped Help Scout user`,
      ...(summary.authors.length === 0 ? [] : [`authors${tag}: ${matched} matched to Help Scout users, ${unmatched.length} unmatched (${source})${unmatched.length > 0 ? `: ${unmatched.slice(0, 5).map((a) => `${a.email} (${a.notes})`).join(', ')}${unmatched.length > 5 ? ', …' : ''}` : ''}`]),
    ],
    md: [
      '## Authors and thread types',
      '',
      mdTable(
        ['thread type', 'count'],
        [
          ['note', note],
          ['customer', customer],
          ['reply', reply],
          ['notes and replies with a mapped Help Scout user', summary.notesWithUser],
          ['messages whose author the export does not name', summary.notesWithoutAuthor],
        ],
      ),
      '',
      `Authors (${source}). Unmatched agents' messages go out as the default user (\`target.user\`, else the app's owner) with their name in the attribution line: invite them to Help Scout or map them in \`source.userMap\` before the run.`,
      '',
      summary.authors.length === 0
        ? 'No agent authors in the export.'
        : mdTable(['author', 'notes and replies', 'Help Scout user'], shown.map((a) => [a.email, a.notes, a.user ?? 'unmatched'])),
      ...(summary.authors.length > shown.length ? ['', `… and ${summary.authors.length - shown.length} more in the JSON report.`] : []),
      '',
    ],
  };
}

/** The plan's requests by kind with their rate units (a write costs 2), for plan.md and plan.html alike. */
export function requestRows(e: Estimate): [string, number, number][] {
  const conversations = e.requests.lookups - e.requests.users;
  return [
    ['GET users (authors → users, 50 a page)', e.requests.users, e.requests.users],
    ['GET conversation (thread count, merges)', conversations, conversations],
    ['Create Note', e.requests.addNote, 2 * e.requests.addNote],
    ['Create Conversation (≤ 100 notes each)', e.requests.createConversation, 2 * e.requests.createConversation],
    ['link notes to continuations', e.requests.linkNote, 2 * e.requests.linkNote],
    ['total', e.requests.total, e.units],
  ];
}

/** Estimated minutes at this config's budget and at each account plan's: name, units/min, minutes. */
export function durationRows(e: Estimate, unitsPerMinute: number): [string, number, number][] {
  return [['this config', unitsPerMinute, e.minutes], ...(['standard', 'plus', 'pro'] as const).map((plan): [string, number, number] => [plan, PLAN_BUDGETS[plan], e.minutesByPlan[plan]])];
}

/** The first `n` items of an iterable, without walking the rest. */
export function take<T>(items: Iterable<T>, n: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length >= n) break;
    taken.push(item);
  }
  return taken;
}
