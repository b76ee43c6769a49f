import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VerifyResult } from '../verify/verify-import.ts';
import { idMapLines } from './id-map.ts';
import type { WrittenReport } from './run-report.ts';
import { verifyHtml } from './html/verify-page.ts';
import { mdTable, simulatedTag, take } from './summary.ts';
import { writeLines } from './write-lines.ts';

/** Notes listed by name in verify.md and on the terminal; verify.json lists every one. */
const MD_LISTED = 100;
const LINES_LISTED = 10;

/** verify.json and verify.md in the reports folder, and id-map.csv again: it now holds the thread ids verify learned. */
export function writeVerifyReport(dir: string, result: VerifyResult): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const tag = simulatedTag(result.simulated);
  const where = result.simulated ? 'the embedded Help Scout simulator (simulated: nothing reached a real account)' : result.baseUrl;
  const { notes, conversations, requests } = result;
  const summary = {
    simulated: result.simulated,
    target: result.simulated ? 'simulator' : result.baseUrl,
    ok: result.ok,
    sample: result.sample ?? null,
    conversations,
    notes,
    unmatchedThreads: result.unmatchedThreads,
    learnedThreads: result.learnedThreads,
    requests,
    durationMs: result.durationMs,
  };
  // Streamed: a conversation gone with its ten thousand notes is ten thousand lines, never one string.
  writeLines(join(dir, 'verify.json'), jsonWithLists(summary, {
    missing: () => result.missing(),
    duplicated: () => result.duplicated(),
    unmatched: () => result.unmatched(),
    unverifiable: () => result.unverifiable(),
  }));
  const requestsLine = `${requests.requests} (${requests.reads} reads, ${requests.writes} writes) ≤ ${requests.lookups} conversations + ${requests.threadPages} thread pages + ${requests.mergeHops} merge hops${requests.retries > 0 ? ` + ${requests.retries} retries` : ''}; ${requests.rateLimited} answered 429`;
  const sampled = result.sample ? ` (a sample of ${result.sample.conversations} of ${conversations.named} conversations, seed 0x${result.sample.seed.toString(16)})` : '';
  writeFileSync(join(dir, 'verify.md'), [
    `# hs-import verify report${tag}`,
    '',
    ...(result.simulated ? ['> [simulated] Nothing in this report reached a real Help Scout account.', ''] : []),
    `Target: ${where}${sampled}  `,
    result.ok ? '**Every checked note is in Help Scout exactly once.**' : '**Some checked notes are missing or there more than once.**',
    '',
    mdTable(['what', 'count'], [
      ['conversations the id map names', conversations.named],
      ['conversations checked', conversations.checked],
      ['… merged since, followed', conversations.merged],
      ['… gone (404)', conversations.gone],
      ['notes landed', notes.landed],
      ['notes checked', notes.checked],
      ['found exactly once', notes.found],
      ['missing', notes.missing],
      ['duplicated', notes.duplicated],
      ['unverifiable (no thread id, not in the current export)', notes.unverifiable],
      ['imported threads matching no recorded note', result.unmatchedThreads],
      ['thread ids learned (now in id-map.csv)', result.learnedThreads],
      ['requests', requestsLine],
    ]),
    '',
    ...mdList('Missing', ['note', 'conversation', 'reason'], result.notes.missing, result.missing(), (n) => [n.key, conversationText(n), n.reason]),
    ...mdList('Duplicated', ['note', 'conversation', 'copies'], result.notes.duplicated, result.duplicated(), (n) => [n.key, conversationText(n), n.copies]),
    ...mdList('Imported threads that match no recorded note', ['conversation', 'thread'], result.unmatchedThreads, result.unmatched(), (t) => [t.conversation, t.thread]),
    ...mdList('Unverifiable', ['note', 'conversation'], result.notes.unverifiable, result.unverifiable(), (n) => [n.key, n.conversation]),
    'Reasons: `conversation_gone` (Get Conversation answered 404 and no merge to follow), `thread_gone` (its thread id is not among the conversation\'s threads), `no_matching_thread` (no thread has its createdAt and text). Verify only reads: Get Conversation and List Threads, through the run\'s rate limiter.',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'verify.html'), verifyHtml(result, where, sampled));
  writeLines(join(dir, 'id-map.csv'), idMapLines(result.landed()));
  const lines = [
    `hs-import verify${tag}: ${notes.checked} notes checked in ${conversations.checked} conversations${sampled}: ${notes.found} found once, ${notes.missing} missing, ${notes.duplicated} duplicated, ${notes.unverifiable} unverifiable`,
    ...first(result.missing(), notes.missing, (n) => `missing${tag}: ${n.key} in conversation ${conversationText(n)} (${n.reason})`),
    ...first(result.duplicated(), notes.duplicated, (n) => `duplicated${tag}: ${n.key} in conversation ${conversationText(n)} (${n.copies} copies)`),
    `unmatched${tag}: ${result.unmatchedThreads} imported threads match no recorded note`,
    `learned${tag}: ${result.learnedThreads} thread ids, recorded in the checkpoint and id-map.csv`,
    `requests${tag}: ${requestsLine}`,
    `target${tag}: ${where}`,
  ];
  return { files: ['verify.md', 'verify.json', 'verify.html', 'id-map.csv'].map((name) => join(dir, name)), lines };
}

function conversationText(note: { conversation: number; mergedInto?: number }): string {
  return note.mergedInto === undefined ? String(note.conversation) : `${note.conversation} (merged into ${note.mergedInto})`;
}

function mdList<T>(title: string, header: readonly string[], count: number, items: Iterable<T>, row: (item: T) => (string | number)[]): string[] {
  if (count === 0) return [];
  const more = count > MD_LISTED ? [`… and ${count - MD_LISTED} more: every one is in verify.json.`, ''] : [];
  return [`## ${title} (${count})`, '', mdTable(header, take(items, MD_LISTED).map(row)), '', ...more];
}

function first<T>(items: Iterable<T>, count: number, line: (item: T) => string): string[] {
  const more = count > LINES_LISTED ? [`… and ${count - LINES_LISTED} more: verify.md and verify.json list them`] : [];
  return [...take(items, LINES_LISTED).map(line), ...more];
}

/** `head` as pretty JSON with one array per list after it, an item a line, made as it is written. */
function* jsonWithLists(head: Record<string, unknown>, lists: Record<string, () => Iterable<unknown>>): Generator<string> {
  const text = JSON.stringify(head, null, 2);
  yield text.slice(0, text.lastIndexOf('\n}'));
  for (const [name, items] of Object.entries(lists)) {
    yield `,\n  ${JSON.stringify(name)}: [`;
    let separator = '\n    ';
    for (const item of items()) {
      yield separator + JSON.stringify(item);
      separator = ',\n    ';
    }
    yield separator === '\n    ' ? ']' : '\n  ]';
  }
  yield '\n}\n';
}
