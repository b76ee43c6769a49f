import type { VerifyResult } from '../../verify/verify-import.ts';
import { take } from '../summary.ts';
import { num } from './escape.ts';
import { hbarChart } from './hbar-chart.ts';
import { htmlPage, paragraph, section, table, tiles, type Cell } from './page.ts';

/** Notes listed by name in verify.html; verify.json lists every one. */
const LISTED = 100;

/** verify.html: found, missing and duplicated, with the lists (the first 100 of each). */
export function verifyHtml(result: VerifyResult, where: string, sampled: string): string {
  const { notes, conversations } = result;
  const conversationText = (n: { conversation: number; mergedInto?: number }): string => (n.mergedInto === undefined ? String(n.conversation) : `${n.conversation} (merged into ${n.mergedInto})`);
  const body: string[] = [
    paragraph(result.ok ? 'Every checked note is in Help Scout exactly once.' : 'Some checked notes are missing or there more than once.', `verdict ${result.ok ? 'ok' : 'bad'}`),
    tiles([
      ['conversations checked', conversations.checked],
      ['notes checked', notes.checked],
      ['found exactly once', notes.found],
      ['missing', notes.missing],
      ['duplicated', notes.duplicated],
      ['unverifiable', notes.unverifiable],
    ]),
    section(
      'Found, missing, duplicated',
      hbarChart({
        id: 'verdicts',
        title: 'Checked notes by verdict',
        desc: `${num(notes.checked)} notes checked in ${num(conversations.checked)} conversations${sampled}: ${num(notes.found)} found exactly once, ${num(notes.missing)} missing, ${num(notes.duplicated)} duplicated, ${num(notes.unverifiable)} unverifiable.`,
        caption: 'Solid: found once. Hatched: missing. Dotted: duplicated or unverifiable. Each bar is labelled with its count.',
        labelName: 'verdict',
        valueName: 'notes',
        rows: [
          { label: 'found exactly once', value: notes.found },
          { label: 'missing', value: notes.missing, fill: 'hatch' },
          { label: 'duplicated', value: notes.duplicated, fill: 'dots' },
          { label: 'unverifiable', value: notes.unverifiable, fill: 'dots' },
        ],
      }),
      table(['what', 'count'], [
        ['conversations the id map names', conversations.named],
        ['… merged since, followed', conversations.merged],
        ['… gone (404)', conversations.gone],
        ['notes landed', notes.landed],
        ['imported threads matching no recorded note', result.unmatchedThreads],
        ['thread ids learned (now in id-map.csv)', result.learnedThreads],
        ['requests', result.requests.requests],
        ['answered 429', result.requests.rateLimited],
      ]),
    ),
  ];
  const list = <T>(title: string, count: number, items: Iterable<T>, header: readonly string[], row: (item: T) => Cell[]): void => {
    if (count === 0) return;
    body.push(section(`${title} (${num(count)})`, table(header, take(items, LISTED).map(row), count > LISTED ? `The first ${LISTED} of ${num(count)}; verify.json lists every one` : undefined)));
  };
  list('Missing', notes.missing, result.missing(), ['note', 'conversation', 'reason'], (n) => [n.key, conversationText(n), n.reason]);
  list('Duplicated', notes.duplicated, result.duplicated(), ['note', 'conversation', 'copies'], (n) => [n.key, conversationText(n), n.copies]);
  list('Imported threads that match no recorded note', result.unmatchedThreads, result.unmatched(), ['conversation', 'thread'], (t) => [t.conversation, t.thread]);
  list('Unverifiable', notes.unverifiable, result.unverifiable(), ['note', 'conversation'], (n) => [n.key, n.conversation]);
  body.push(paragraph('Reasons: conversation_gone (Get Conversation answered 404 and no merge to follow), thread_gone (its thread id is not among the conversation\'s threads), no_matching_thread (no thread has its createdAt and text). Verify only reads.', 'note'));
  return htmlPage({
    title: 'hs-import verify report',
    subtitle: `Target: ${where}${sampled}.`,
    simulated: result.simulated,
    body,
  });
}
