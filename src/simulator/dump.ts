import type { CountersSnapshot } from './counters.ts';
import type { SimulatorState } from './state.ts';
import type { SeedMailbox, SeedUser, SimConversation, SimThread } from './types.ts';

export interface ThreadDump extends Omit<SimThread, 'createdAtMs' | 'attachments'> {
  /** Sizes, not payloads: a dump of a big import must stay readable. */
  attachments: { id: number; fileName: string; mimeType: string; size: number }[];
}

export interface ConversationDump extends Omit<SimConversation, 'threads' | 'createdAtMs' | 'mergedAtMs'> {
  threadCount: number;
  /** Oldest first. */
  threads: ThreadDump[];
}

export interface StateDump {
  mailboxes: SeedMailbox[];
  users: SeedUser[];
  /** In id order. */
  conversations: ConversationDump[];
  counters: CountersSnapshot;
}

function dumpThread(t: SimThread): ThreadDump {
  return {
    id: t.id,
    type: t.type,
    status: t.status,
    body: t.body,
    createdAt: t.createdAt,
    imported: t.imported,
    createdBy: t.createdBy,
    attachments: t.attachments.map((a) => ({ id: a.id, fileName: a.fileName, mimeType: a.mimeType, size: a.size })),
  };
}

function dumpConversation(c: SimConversation): ConversationDump {
  return {
    id: c.id,
    number: c.number,
    mailboxId: c.mailboxId,
    type: c.type,
    status: c.status,
    subject: c.subject,
    customer: c.customer,
    createdAt: c.createdAt,
    imported: c.imported,
    tags: c.tags,
    mergedInto: c.mergedInto,
    tooOld: c.tooOld,
    threadCount: c.threads.length,
    threads: c.threads.map(dumpThread),
  };
}

/** The whole simulated account as plain JSON (what GET /__sim/state answers). */
export function dumpState(state: SimulatorState): StateDump {
  return {
    mailboxes: [...state.mailboxes.values()],
    users: [...state.users.values()],
    conversations: [...state.conversations.values()].sort((a, b) => a.id - b.id).map(dumpConversation),
    counters: state.counters.snapshot(),
  };
}
