import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PlanResult } from '../pipeline/plan-import.ts';
import type { WrittenReport } from './run-report.ts';
import { planHtml } from './html/plan-page.ts';
import { mdTable, minutesText, rejectsByReason, simulatedTag, deltaSection, authorsSection, existingModesSection, requestRows, durationRows } from './summary.ts';

/** plan.json and plan.md: what a run would do, what it costs and how long it takes. */
export function writePlanReport(dir: string, result: PlanResult, firstRejects = 20): WrittenReport {
  mkdirSync(dir, { recursive: true });
  // Reader, mapper and planner rejects in source order: the first N are the first rows to fix.
  const all = [...result.rejects, ...result.plannedRejects]
    .map(({ reason, message, ticket, id, origin }) => ({
      reason,
      message,
      ...(ticket === undefined ? {} : { ticket }),
      ...(id === undefined ? {} : { id }),
      origin: { file: basename(origin.file), line: origin.line },
    }))
    .sort((a, b) => a.origin.line - b.origin.line);
  const reasons = rejectsByReason(all);
  const first = all.slice(0, firstRejects);
  const p = result.plan;
  const e = result.estimate;
  const tag = simulatedTag(result.simulated);
  const createdForTickets = p.newConversations - p.continuations;
  const assumption = result.offline
    ? 'Offline plan: conversations the export names are assumed to exist with 0 threads and no merges (run `plan --check-remote` to ask Help Scout, read-only).'
    : `Thread counts and merges were read from Help Scout with ${result.remoteRequests?.reads ?? 0} GET requests (read-only; nothing was written).`;
  const delta = deltaSection(result.delta, tag);
  const source = result.authors.usersFrom === 'help-scout' ? `matched against ${result.authors.usersListed ?? 0} Help Scout users and source.userMap` : result.authors.usersFrom === 'user-map-only' ? 'offline: matched through source.userMap alone; --check-remote reads the users' : 'offline: no source.userMap; --check-remote reads the users';
  const authors = authorsSection(result.authors, tag, source);
  const existing = existingModesSection(result.existingModes, tag);
  const json = {
    simulated: result.simulated,
    offline: result.offline,
    assumption,
    rowsRead: result.rowsRead,
    notesToImport: p.notes,
    settledBefore: result.settledBefore,
    ...(result.delta === undefined ? {} : { delta: result.delta }),
    authors: result.authors,
    rejected: all.length,
    conversations: { existing: p.existingConversations, new: createdForTickets, continuations: p.continuations },
    notesPerConversation: { max: p.maxNotesPerLane, p95: p.p95NotesPerLane },
    plan: p,
    estimate: e,
    unitsPerMinute: result.unitsPerMinute,
    ...(result.remoteRequests ? { remoteRequests: result.remoteRequests } : {}),
    ...(result.attachments ? { attachments: result.attachments } : {}),
    ...(result.existingModes ? { existingModes: result.existingModes } : {}),
    largestConversations: result.largestLanes,
    rejectsByReason: reasons,
    firstRejects: first,
  };
  const lines = [
    `hs-import plan${tag}: ${result.rowsRead} rows read, ${p.notes} notes to import${result.settledBefore > 0 ? ` (${result.settledBefore} already settled by earlier runs)` : ''}, ${all.length} rejected`,
    `conversations${tag}: ${p.existingConversations} existing touched, ${createdForTickets} new to create, ${p.continuations} continuations (100-thread limit); notes per conversation max ${p.maxNotesPerLane}, p95 ${p.p95NotesPerLane}`,
    `requests${tag}: ${e.requests.total} (${e.requests.lookups} lookups, ${e.requests.addNote} notes, ${e.requests.createConversation} creates, ${e.requests.linkNote} links) = ${e.units} rate units`,
    `estimate${tag}: ${minutesText(e.minutes)} at ${result.unitsPerMinute} units/min (standard ${minutesText(e.minutesByPlan.standard)}, plus ${minutesText(e.minutesByPlan.plus)}, pro ${minutesText(e.minutesByPlan.pro)})`,
    ...delta.line,
    ...existing.line,
    ...authors.line,
    ...(result.attachments ? [`attachments${tag}: ${result.attachments.links} linked files, ${result.attachments.stored} stored, ${result.attachments.notStoredYet} not stored yet (hs-import fetch-attachments), ${result.attachments.failed} failed`] : []),
    ...reasons.map((r) => `rejected${tag}: ${r.count} × ${r.reason}`),
    result.offline
      ? `assumed${tag}: offline plan, conversations assumed to have 0 threads (--check-remote asks Help Scout, read-only)`
      : `checked${tag}: ${result.remoteRequests?.reads ?? 0} read-only GETs spent asking Help Scout for thread counts and merges`,
  ];
  const md = [
    `# hs-import plan${tag}`,
    '',
    ...(result.simulated ? ['> [simulated] Target: the embedded Help Scout simulator. Nothing here concerns a real account.', ''] : []),
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
        ['new conversations to create', createdForTickets],
        ['continuation conversations (100-thread limit)', p.continuations],
        ['notes per conversation: max', p.maxNotesPerLane],
        ['notes per conversation: p95', p.p95NotesPerLane],
      ],
    ),
    '',
    ...delta.md,
    ...authors.md,
    '## Requests and time',
    '',
    mdTable(
      ['request', 'count', 'rate units'],
      requestRows(e),
    ),
    '',
    mdTable(
      ['account plan', 'units/min', 'estimated duration'],
      durationRows(e, result.unitsPerMinute).map(([plan, units, minutes]) => [plan, units, minutesText(minutes)]),
    ),
    '',
    'A write (note, conversation, link) costs 2 rate units, a GET 1. Other apps on the account spend the same budget.',
    '',
    ...existing.md,
    '## Largest conversations',
    '',
    result.largestLanes.length === 0 ? 'None.' : mdTable(['conversation', 'notes', 'requests'], result.largestLanes.map((l) => [l.lane, l.notes, l.requests])),
    '',
    '## Rejects by reason',
    '',
    reasons.length === 0 ? 'None.' : mdTable(['reason', 'count', 'examples'], reasons.map((r) => [r.reason, r.count, r.examples.join('<br>')])),
    '',
    `## First ${first.length} rejects`,
    '',
    first.length === 0 ? 'None.' : mdTable(['where', 'ticket', 'note', 'reason', 'message'], first.map((r) => [`${r.origin.file}:${r.origin.line}`, r.ticket ?? '', r.id ?? '', r.reason, r.message])),
    '',
  ].join('\n');
  const files = { 'plan.json': JSON.stringify(json, null, 2) + '\n', 'plan.md': md, 'plan.html': planHtml(result, { total: all.length, reasons, first }, assumption) };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { files: Object.keys(files).map((name) => join(dir, name)), lines };
}
