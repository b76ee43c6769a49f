import type { IntentEvent } from '../checkpoint/events.ts';
import { ApiRejectedError } from '../core/errors.ts';
import type { HelpScoutClient } from '../helpscout/client.ts';
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
    if (intent.tag === undefined || intent.mailboxId === undefined) return { kind: 'absent' };
    const [found] = await client.findConversationsByTag(intent.tag, intent.mailboxId);
    return found === undefined ? { kind: 'absent' } : { kind: 'landed', conversation: found };
  }
  if (intent.conversation === undefined) return { kind: 'absent' };
  for (let attempt = 1; ; attempt++) {
    const resolution = await resolveConversation(client, intent.conversation);
    if (resolution.facts.kind === 'not-found') return { kind: 'absent' };
    try {
      return await findNote(client, resolution.facts.id, intent, knownThreads);
    } catch (error) {
      // Merged between the GET and the listing: the old id now answers 404; resolve it again.
      if (error instanceof ApiRejectedError && error.status === 404 && attempt < 3) continue;
      throw error;
    }
  }
}

async function findNote(client: HelpScoutClient, conversation: number, intent: IntentEvent, knownThreads: ReadonlySet<number>): Promise<ReconcileResult> {
  for (let page = 1; ; page++) {
    const result = await client.listThreads(conversation, page);
    for (const thread of result._embedded?.threads ?? []) {
      if (knownThreads.has(thread.id) || thread.type !== 'note') continue;
      if (thread.createdAt === intent.createdAt && textFingerprint(thread.body ?? '') === intent.fp) {
        return { kind: 'landed', conversation, threads: [thread.id] };
      }
    }
    if (page >= (result.page?.totalPages ?? 1)) return { kind: 'absent' };
  }
}
