import { textFingerprint } from '../deliver/fingerprint.ts';
import type { RemoteThread } from '../helpscout/wire-types.ts';

/** A thread as List Threads gives it: `imported` is set on threads posted with `imported: true`. */
export type ListedThread = RemoteThread & { readonly imported?: boolean };

/** One note the log records as landed in a conversation, as `verify` looks for it. */
export interface RecordedNote {
  /** The thread id the log holds for it; 0 when not known. */
  readonly thread: number;
  /** `noteSignature` of what was sent, from the current export's spool; undefined when not read or no longer in the export. */
  readonly signature: string | undefined;
}

export const MISSING_REASONS = ['conversation_gone', 'thread_gone', 'no_matching_thread'] as const;
export type MissingReason = (typeof MISSING_REASONS)[number];

export type Verdict =
  | { readonly kind: 'found'; readonly thread: number; readonly learned: boolean }
  | { readonly kind: 'missing'; readonly reason: MissingReason }
  | { readonly kind: 'duplicated'; readonly copies: number }
  | { readonly kind: 'unverifiable' };

export interface ConversationMatch {
  /** One per recorded note, in their order. */
  readonly verdicts: readonly Verdict[];
  /** Imported threads that are none of the recorded notes, nor a copy of one, nor a link note. */
  readonly unmatched: readonly number[];
}

/** A note's identity on Help Scout's side, as reconcile compares it: createdAt and text fingerprint. */
export function noteSignature(createdAt: string | undefined, text: string): string {
  return `${createdAt ?? ''} ${textFingerprint(text)}`;
}

/** The thread types the import writes (notes, customer threads, replies listed as `message`): where reconcile looks too. */
const WRITTEN_TYPES = new Set(['note', 'customer', 'message']);

/** How linkText (deliver/bodies.ts) begins, once its tags are stripped: the tool's own link notes. */
const LINK_NOTE_START = 'Imported history continue';

/**
 * Which of a conversation's threads are its recorded notes: by thread id where the log has
 * one, else as reconcile finds an in-doubt note (same createdAt, same text fingerprint), each
 * thread taken once, so two identical notes need two threads. A signature on more of the
 * imported threads than recorded notes carry it means those notes are there more than once.
 */
export function matchThreads(notes: readonly RecordedNote[], threads: readonly ListedThread[]): ConversationMatch {
  const signatureOf = new Map(threads.map((t) => [t.id, noteSignature(t.createdAt, t.body ?? '')]));
  const ours = threads.filter((t) => t.imported === true || WRITTEN_TYPES.has(t.type ?? ''));
  const taken = new Set<number>();
  const verdicts: Verdict[] = notes.map(() => ({ kind: 'unverifiable' }));
  const signatures: (string | undefined)[] = notes.map((note) => note.signature);
  // Notes known by id first: a match by content must not take a thread another note owns by id.
  notes.forEach((note, i) => {
    if (note.thread === 0) return;
    if (!signatureOf.has(note.thread)) {
      verdicts[i] = { kind: 'missing', reason: 'thread_gone' };
      return;
    }
    taken.add(note.thread);
    // Its thread's own signature: duplicates are found even once a newer export dropped the note.
    signatures[i] = signatureOf.get(note.thread);
    verdicts[i] = { kind: 'found', thread: note.thread, learned: false };
  });
  notes.forEach((note, i) => {
    if (note.thread !== 0 || note.signature === undefined) return;
    const thread = ours.find((t) => !taken.has(t.id) && signatureOf.get(t.id) === note.signature);
    if (thread === undefined) {
      verdicts[i] = { kind: 'missing', reason: 'no_matching_thread' };
      return;
    }
    taken.add(thread.id);
    verdicts[i] = { kind: 'found', thread: thread.id, learned: true };
  });
  const recorded = tally(signatures);
  const onThreads = tally(ours.map((t) => signatureOf.get(t.id)));
  verdicts.forEach((verdict, i) => {
    const signature = signatures[i];
    if (verdict.kind !== 'found' || signature === undefined) return;
    const extra = (onThreads.get(signature) ?? 0) - (recorded.get(signature) ?? 0);
    if (extra > 0) verdicts[i] = { kind: 'duplicated', copies: extra + 1 };
  });
  const unmatched = ours
    .filter((t) => t.imported === true && !taken.has(t.id) && !recorded.has(signatureOf.get(t.id) ?? '') && !isLinkNote(t))
    .map((t) => t.id);
  return { verdicts, unmatched };
}

function tally(signatures: readonly (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of signatures) if (s !== undefined) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

function isLinkNote(thread: ListedThread): boolean {
  return (thread.body ?? '').replace(/<[^>]*>/g, '').trimStart().startsWith(LINK_NOTE_START);
}
