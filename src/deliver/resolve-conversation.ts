import type { HelpScoutClient } from '../helpscout/client.ts';
import type { ConversationFacts } from '../plan/facts.ts';

const MAX_HOPS = 10;

export interface Resolution {
  readonly facts: ConversationFacts;
  /** Each merge hop followed, oldest first. */
  readonly hops: readonly { from: number; to: number }[];
}

/** GET a conversation, following merges (301) hop by hop with a loop guard. */
export async function resolveConversation(client: HelpScoutClient, requested: number): Promise<Resolution> {
  const hops: { from: number; to: number }[] = [];
  const seen = new Set<number>([requested]);
  let id = requested;
  for (;;) {
    const result = await client.getConversation(id);
    if (result.kind === 'not-found') return { facts: { kind: 'not-found', requested }, hops };
    if (result.kind === 'moved') {
      if (seen.has(result.to) || hops.length >= MAX_HOPS) return { facts: { kind: 'not-found', requested }, hops };
      hops.push({ from: id, to: result.to });
      seen.add(result.to);
      id = result.to;
      continue;
    }
    const c = result.conversation;
    return {
      facts: {
        kind: 'found',
        requested,
        id: c.id,
        threads: c.threads ?? 0,
        ...(c.mailboxId === undefined ? {} : { mailboxId: c.mailboxId }),
        ...(c.subject ? { subject: c.subject } : {}),
        ...(c.primaryCustomer?.email ? { customerEmail: c.primaryCustomer.email } : {}),
        ...(c.status ? { status: c.status } : {}),
      },
      hops,
    };
  }
}
