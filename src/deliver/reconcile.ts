import type { IntentEvent } from '../checkpoint/events.ts';
import { ApiRejectedError } from '../core/errors.ts';
import type { HelpScoutClient } from '../helpscout/client.ts';
import type { RemoteThread } from '../helpscout/wire-types.ts';
import { textFingerprint } from './fingerprint.ts';
import { resolveConversation } from './resolve-conversation.ts';

export type ReconcileResult =
  | { readonly kind: 'landed'; readonly conversation: number; readonly threads?: readonly number[] }
  | { readonly kind: 'absent' };

/**
 * Did an in-doubt write land? A note: look for a thread with its createdAt and text among the
 * conversation's threads, skipping threads already known to be other notes of ours. A created
 * conversation: look for its unique tag.
 */
export async function reconcileIntent(
  client: HelpScoutClient,
  intent: IntentEvent,
  knownThreads: ReadonlySet<number> = new Set(),
): Promise<ReconcileResult> {
  if (intent.kind === 'create-conversation') {
    if (intent.tag === undefined || intent.mailboxId === undefined) return ABSENT;
    const [found] = await client.findConversationsByTag(intent.tag, intent.mailboxId);
    return found === undefined ? ABSENT : { kind: 'landed', conversation: found };
  }
  if (intent.conversation === undefined) return ABSENT;
  const [result] = await reconcileNotes(client, intent.conversation, [intent], new Set(knownThreads));
  return result ?? ABSENT;
}

/**
 * `reconcileIntent` for several notes into one conversation, in the order they were logged, with
 * one listing of its threads. A thread found for one is added to `knownThreads`, so two notes
 * with the same date and text are matched to two threads, not one.
 */
export async function reconcileNotes(client: HelpScoutClient, conversation: number, intents: readonly IntentEvent[], knownThreads: Set<number>): Promise<ReconcileResult[]> {
  for (let attempt = 1; ; attempt++) {
    const resolution = await resolveConversation(client, conversation);
    if (resolution.facts.kind === 'not-found') return intents.map(() => ABSENT);
    const id = resolution.facts.id;
    try {
      const notes = await listNotes(client, id);
      return intents.map((intent): ReconcileResult => {
        const thread = notes.find((t) => !knownThreads.has(t.id) && t.createdAt === intent.createdAt && textFingerprint(t.body ?? '') === intent.fp);
        if (thread === undefined) return ABSENT;
        knownThreads.add(thread.id);
        return { kind: 'landed', conversation: id, threads: [thread.id] };
      });
    } catch (error) {
      // Merged between the GET and the listing: the old id now answers 404; resolve it again.
      if (error instanceof ApiRejectedError && error.status === 404 && attempt < 3) continue;
      throw error;
    }
  }
}

const ABSENT: ReconcileResult = { kind: 'absent' };

/** The thread types the import writes: notes, customer threads, and replies (listed as `message`). */
const IMPORTED_TYPES = new Set(['note', 'customer', 'message']);

/** Every thread of a conversation the import could have written (at most 100 threads: a few pages). */
async function listNotes(client: HelpScoutClient, conversation: number): Promise<RemoteThread[]> {
  const notes: RemoteThread[] = [];
  for (let page = 1; ; page++) {
    const result = await client.listThreads(conversation, page);
    for (const thread of result._embedded?.threads ?? []) if (IMPORTED_TYPES.has(thread.type ?? '')) notes.push(thread);
    if (page >= (result.page?.totalPages ?? 1)) return notes;
  }
}
