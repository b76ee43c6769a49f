import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PlanResult } from '../pipeline/plan-import.ts';
import type { WrittenReport } from './run-report.ts';
import { mdTable, minutesText, rejectsByReason } from './summary.ts';

/** plan.json and plan.md: what a run would do, what it costs and how long it takes. */
export function writePlanReport(dir: string, result: PlanResult, firstRejects = 20): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const planned = result.plannedRejects.map((r) => ({ reason: r.reason, message: r.message, ticket: r.ticket, id: r.id, origin: { file: 'input', line: r.line } }));
  const all = [...result.rejects.map((r) => ({ ...r, origin: { ...r.origin, file: basename(r.origin.file) } })), ...planned];
  const reasons = rejectsByReason(all);
  const p = result.plan;
  const e = result.estimate;
  const tag = result.simulated ? ' [simulated]' : '';
  const assumption = result.offline
    ? 'Offline plan: conversations are assumed to have 0 threads and no merges (run `plan --check-remote` to ask Help Scout, read-only).'
    : 'Thread counts and merges were read from Help Scout (read-only).';
  const json = { ...result, rejectsByReason: reasons, firstRejects: all.slice(0, firstRejects) };
  const lines = [
    `hs-import plan${tag}: ${result.rowsRead} rows read, ${p.notes} notes to import into ${p.existingConversations} existing and ${p.newConversations} new conversations (${p.continuations} continuations), ${all.length} rejected`,
    `requests${tag}: ${e.requests.total} (${e.requests.lookups} lookups, ${e.requests.addNote} notes, ${e.requests.createConversation} creates, ${e.requests.linkNote} links) = ${e.units} rate units`,
    `estimate${tag}: ${minutesText(e.minutes)} at ${result.unitsPerMinute} units/min (standard ${minutesText(e.minutesByPlan.standard)}, plus ${minutesText(e.minutesByPlan.plus)}, pro ${minutesText(e.minutesByPlan.pro)})`,
    ...(result.offline ? [`note${tag}: offline plan, conversations assumed empty (--check-remote asks Help Scout)`] : []),
  ];
  const md = [
    `# hs-import plan${tag}`,
    '',
    assumption,
    '',
    mdTable(
      ['what', 'count'],
      [
        ['rows read', result.rowsRead],
        ['notes to import', p.notes],
        ['already settled by earlier runs', result.settledBefore],
        ['rejected', all.length],
        ['existing conversations touched', p.existingConversations],
        ['new conversations to create', p.newConversations - p.continuations],
        ['continuation conversations (100-thread limit)', p.continuations],
        ['notes per conversation: max', p.maxNotesPerLane],
        ['notes per conversation: p95', p.p95NotesPerLane],
      ],
    ),
    '',
    '## Requests and time',
    '',
    mdTable(
      ['request', 'count', 'rate units'],
      [
        ['GET conversation (thread count, merges)', e.requests.lookups, e.requests.lookups],
        ['Create Note', e.requests.addNote, 2 * e.requests.addNote],
        ['Create Conversation (≤ 100 notes each)', e.requests.createConversation, 2 * e.requests.createConversation],
        ['link notes to continuations', e.requests.linkNote, 2 * e.requests.linkNote],
        ['total', e.requests.total, e.units],
      ],
    ),
    '',
    mdTable(
      ['account plan', 'units/min', 'estimated duration'],
      [
        ['this config', result.unitsPerMinute, minutesText(e.minutes)],
        ['standard', 200, minutesText(e.minutesByPlan.standard)],
        ['plus', 400, minutesText(e.minutesByPlan.plus)],
        ['pro', 800, minutesText(e.minutesByPlan.pro)],
      ],
    ),
    '',
    '## Largest conversations',
    '',
    result.largestLanes.length === 0 ? 'None.' : mdTable(['lane', 'notes', 'requests'], result.largestLanes.map((l) => [l.lane, l.notes, l.requests])),
    '',
    '## Rejects by reason',
    '',
    reasons.length === 0 ? 'None.' : mdTable(['reason', 'count', 'examples'], reasons.map((r) => [r.reason, r.count, r.examples.join('<br>')])),
    '',
    `## First ${Math.min(firstRejects, all.length)} rejects`,
    '',
    all.length === 0 ? 'None.' : mdTable(['where', 'ticket', 'note', 'reason', 'message'], all.slice(0, firstRejects).map((r) => [`${r.origin.file}:${r.origin.line}`, r.ticket ?? '', r.id ?? '', r.reason, r.message])),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(join(dir, 'plan.md'), md);
  return { files: [join(dir, 'plan.json'), join(dir, 'plan.md')], lines };
}
