import type { Clock } from './clock.ts';
import { Counters } from './counters.ts';
import { formatHelpScoutDate } from './dates.ts';
import type {
  ConversationStatus,
  ConversationType,
  SeedMailbox,
  SeedUser,
  SimAttachment,
  SimConfig,
  SimConversation,
  SimCustomer,
  SimPerson,
  SimThread,
  ThreadType,
} from './types.ts';

export interface NewThread {
  type: ThreadType;
  status: ConversationStatus;
  body: string;
  createdAtMs: number;
  imported: boolean;
  createdBy: SimPerson;
  attachments: Omit<SimAttachment, 'id'>[];
}

export interface NewConversation {
  /** Only seeds choose ids; the API assigns them. */
  id?: number;
  mailboxId: number;
  type: ConversationType;
  status: ConversationStatus;
  subject: string;
  customer: SimCustomer;
  createdAtMs: number;
  imported: boolean;
  tags: readonly string[];
  tooOld?: boolean;
}

/** Where a write to a conversation id goes: to it, or nowhere (unknown or merged away). */
export type WriteTarget = { kind: 'ok'; conversation: SimConversation } | { kind: 'not-found' };

/**
 * Everything the simulated Help Scout account holds. Per-request work stays O(1)-ish: threads
 * live in a per-conversation array kept sorted, tags in a Map index.
 */
export class SimulatorState {
  readonly mailboxes = new Map<number, SeedMailbox>();
  readonly users = new Map<number, SeedUser>();
  readonly conversations = new Map<number, SimConversation>();
  readonly counters = new Counters();
  private readonly customersByEmail = new Map<string, SimCustomer>();
  private readonly customersById = new Map<number, SimCustomer>();
  private readonly tagIndex = new Map<string, Set<number>>();
  private readonly tagIds = new Map<string, number>();
  private nextConversationId = 100_000;
  private nextNumber = 1;
  private nextThreadId = 10_000_001;
  private nextCustomerId = 500_001;
  private nextAttachmentId = 900_001;

  constructor(
    public config: SimConfig,
    readonly clock: Clock,
  ) {}

  /** The token's resource owner: Help Scout's default `user` for threads. */
  get defaultUserId(): number | undefined {
    return this.users.keys().next().value;
  }

  customerByEmail(email: string, first = '', last = ''): SimCustomer {
    const key = email.toLowerCase();
    const known = this.customersByEmail.get(key);
    // Help Scout: "if matched, other fields ignored".
    if (known !== undefined) return known;
    const customer: SimCustomer = { id: this.nextCustomerId++, email, first, last };
    this.customersByEmail.set(key, customer);
    this.customersById.set(customer.id, customer);
    return customer;
  }

  customerById(id: number): SimCustomer | undefined {
    return this.customersById.get(id);
  }

  tagId(tag: string): number {
    let id = this.tagIds.get(tag);
    if (id === undefined) {
      id = this.tagIds.size + 1;
      this.tagIds.set(tag, id);
    }
    return id;
  }

  conversationsTagged(tag: string): ReadonlySet<number> {
    return this.tagIndex.get(tag.toLowerCase()) ?? new Set();
  }

  createConversation(input: NewConversation, threads: readonly NewThread[]): SimConversation {
    const id = input.id ?? this.nextConversationId;
    if (this.conversations.has(id)) throw new Error(`conversation ${id} already exists`);
    this.nextConversationId = Math.max(this.nextConversationId, id + 1);
    const conversation: SimConversation = {
      id,
      number: this.nextNumber++,
      mailboxId: input.mailboxId,
      type: input.type,
      status: input.status,
      subject: input.subject,
      customer: input.customer,
      createdAt: formatHelpScoutDate(input.createdAtMs),
      createdAtMs: input.createdAtMs,
      imported: input.imported,
      tags: [],
      threads: [],
      mergedInto: null,
      mergedAtMs: null,
      tooOld: input.tooOld ?? false,
    };
    this.conversations.set(id, conversation);
    this.addTags(conversation, input.tags);
    for (const thread of threads) this.addThread(conversation, thread);
    return conversation;
  }

  addThread(conversation: SimConversation, input: NewThread): SimThread {
    const thread: SimThread = {
      id: this.nextThreadId++,
      type: input.type,
      status: input.status,
      body: input.body,
      createdAt: formatHelpScoutDate(input.createdAtMs),
      createdAtMs: input.createdAtMs,
      imported: input.imported,
      createdBy: input.createdBy,
      attachments: input.attachments.map((a) => ({ ...a, id: this.nextAttachmentId++ })),
    };
    insertSorted(conversation.threads, thread);
    return thread;
  }

  /** Takes a thread out (a tamper for tests); its id is never handed out again. False if it is not there. */
  removeThread(conversation: SimConversation, threadId: number): boolean {
    const at = conversation.threads.findIndex((t) => t.id === threadId);
    if (at === -1) return false;
    conversation.threads.splice(at, 1);
    return true;
  }

  /** A conversation that accepts writes under this id; merged ids are gone for writes (404). */
  writeTarget(id: number): WriteTarget {
    const conversation = this.conversations.get(id);
    return conversation === undefined || conversation.mergedInto !== null
      ? { kind: 'not-found' }
      : { kind: 'ok', conversation };
  }

  /**
   * Help Scout's merge: `from`'s threads move into `into` (or, for a seeded chain, into the
   * conversation `into` itself was merged into), and `from` then answers 301 to `into`.
   */
  merge(fromId: number, intoId: number): void {
    const from = this.writeTarget(fromId);
    const into = this.liveEnd(intoId);
    if (from.kind !== 'ok' || into === undefined || into.id === fromId) {
      throw new Error(`cannot merge ${fromId} into ${intoId}: both must exist, ${fromId} not merged, no cycle`);
    }
    for (const thread of from.conversation.threads) insertSorted(into.threads, thread);
    from.conversation.threads = [];
    this.addTags(into, from.conversation.tags);
    from.conversation.mergedInto = intoId;
    from.conversation.mergedAtMs = this.clock.now();
    for (const tag of from.conversation.tags) this.tagIndex.get(tag)?.delete(fromId);
  }

  /** Follows merge links to the conversation that holds the threads now. */
  private liveEnd(id: number): SimConversation | undefined {
    let conversation = this.conversations.get(id);
    for (let hops = 0; conversation?.mergedInto != null && hops <= this.conversations.size; hops++) {
      conversation = this.conversations.get(conversation.mergedInto);
    }
    return conversation?.mergedInto === null ? conversation : undefined;
  }

  private addTags(conversation: SimConversation, tags: readonly string[]): void {
    for (const raw of tags) {
      const tag = raw.toLowerCase();
      if (conversation.tags.includes(tag)) continue;
      conversation.tags.push(tag);
      this.tagId(tag);
      let ids = this.tagIndex.get(tag);
      if (ids === undefined) {
        ids = new Set();
        this.tagIndex.set(tag, ids);
      }
      ids.add(conversation.id);
    }
  }
}

/** Keeps threads ordered by (createdAt, id); imported notes arrive with past dates. */
function insertSorted(threads: SimThread[], thread: SimThread): void {
  let lo = 0;
  let hi = threads.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = threads[mid];
    if (other !== undefined && compareThreads(other, thread) <= 0) lo = mid + 1;
    else hi = mid;
  }
  threads.splice(lo, 0, thread);
}

function compareThreads(a: SimThread, b: SimThread): number {
  return a.createdAtMs - b.createdAtMs || a.id - b.id;
}
