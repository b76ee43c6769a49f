import { ApiRejectedError } from '../core/errors.ts';
import { resolveConversation } from '../deliver/resolve-conversation.ts';
import type { HelpScoutClient } from '../helpscout/client.ts';
import type { ListedThread } from './thread-match.ts';

/** The GETs `verify` made, by kind: what bounds its requests. */
export interface RequestTally {
  /** Get Conversation, once per conversation the log names (again only if it moved mid-check). */
  lookups: number;
  /** Get Conversation answered 301, followed to the next id. */
  mergeHops: number;
  /** List Threads pages. */
  threadPages: number;
}

export function emptyTally(): RequestTally {
  return { lookups: 0, mergeHops: 0, threadPages: 0 };
}

/** Where a conversation's threads are now, merges followed (GET → 301 → GET); undefined: gone (404). */
export async function currentConversation(client: HelpScoutClient, id: number, tally: RequestTally): Promise<number | undefined> {
  const resolution = await resolveConversation(client, id);
  tally.lookups++;
  tally.mergeHops += resolution.hops.length;
  return resolution.facts.kind === 'found' ? resolution.facts.id : undefined;
}

/**
 * Every thread of a conversation, every page. A conversation merged away between its GET and
 * its listing answers 404 there: followed again, like reconcile does.
 */
export async function allThreads(client: HelpScoutClient, id: number, tally: RequestTally): Promise<{ conversation: number; threads: ListedThread[] } | undefined> {
  let conversation: number | undefined = id;
  for (let attempt = 1; conversation !== undefined; attempt++) {
    try {
      return { conversation, threads: await listEveryPage(client, conversation, tally) };
    } catch (error) {
      if (!(error instanceof ApiRejectedError && error.status === 404 && attempt < 3)) throw error;
      conversation = await currentConversation(client, conversation, tally);
    }
  }
  return undefined;
}

async function listEveryPage(client: HelpScoutClient, conversation: number, tally: RequestTally): Promise<ListedThread[]> {
  const threads: ListedThread[] = [];
  for (let page = 1; ; page++) {
    const result = await client.listThreads(conversation, page);
    tally.threadPages++;
    threads.push(...(result._embedded?.threads ?? []));
    if (page >= (result.page?.totalPages ?? 1)) return threads;
  }
}
