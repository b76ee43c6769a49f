/** What Help Scout said about a target conversation (or what an offline plan assumes). */
export type ConversationFacts =
  | {
      readonly kind: 'found';
      /** The id the export named. */
      readonly requested: number;
      /** Where it lives now, after following merges. */
      readonly id: number;
      readonly threads: number;
      readonly mailboxId?: number;
      readonly customerEmail?: string;
      readonly subject?: string;
      /** Its status now: a reply sent into it carries it, so nothing reopens. */
      readonly status?: string;
      /** A 412 that was not the thread limit: company policy locks it ("too old"). */
      readonly locked?: boolean;
    }
  | { readonly kind: 'not-found'; readonly requested: number };

/** Offline plans know nothing remote: every conversation is assumed empty and where it was. */
export function assumedFacts(requested: number): ConversationFacts {
  return { kind: 'found', requested, id: requested, threads: 0 };
}

/** A conversation takes threads while it has fewer than 99 (Help Scout answers 412 from 99 on). */
export const THREAD_LIMIT = 99;
/** Create Conversation takes at most 100 threads. */
export const MAX_THREADS_PER_CREATE = 100;

export function capacityOf(facts: ConversationFacts): number {
  if (facts.kind !== 'found' || facts.locked) return 0;
  return Math.max(0, THREAD_LIMIT - facts.threads);
}
