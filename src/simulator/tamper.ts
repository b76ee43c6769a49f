import { parseHelpScoutDate } from './dates.ts';
import { emptyResponse, jsonResponse, type SimResponse } from './respond.ts';
import { SeedError } from './seed-schema.ts';
import type { SimulatorState } from './state.ts';
import { MAX_THREADS } from './thread-limit.ts';
import type { SimConversation, SimPerson } from './types.ts';

/**
 * Control-surface edits standing in for what happens in Help Scout outside the import (a thread
 * deleted or posted twice, agents answering afterwards), so `verify` and `--delta` can be tested.
 * Not API requests: no auth, no rate limit, no 412, not counted. Thread ids keep growing across
 * them, so id order stays posting order.
 */

const ADDED_TYPES = ['message', 'note', 'customer'] as const;

/** Reads the few fields these payloads have, collecting every problem like the seed reader. */
class Payload {
  readonly problems: string[] = [];
  private readonly o: Record<string, unknown>;

  constructor(value: unknown, private readonly name: string) {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!isObject) this.problems.push(`${name}: must be an object`);
    this.o = isObject ? (value as Record<string, unknown>) : {};
  }

  int(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.o[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    this.problems.push(`${this.name}.${key}: must be an integer from ${min} to ${max}`);
    return 0;
  }

  optional(key: string): unknown {
    return this.o[key];
  }

  /** Throws every problem at once (400), or returns nothing. */
  check(): void {
    if (this.problems.length > 0) throw new SeedError(this.problems);
  }
}

type Found = { ok: true; conversation: SimConversation } | { ok: false; response: SimResponse };

/** Merged ids hold no threads any more: like unknown ones, they are 404 here. */
function findConversation(state: SimulatorState, id: number): Found {
  const target = state.writeTarget(id);
  return target.kind === 'ok'
    ? { ok: true, conversation: target.conversation }
    : { ok: false, response: jsonResponse(404, { error: `no conversation ${id} (unknown or merged away)` }) };
}

const noThread = (conversation: number, thread: number): SimResponse =>
  jsonResponse(404, { error: `no thread ${thread} in conversation ${conversation}` });

/** POST /__sim/delete-thread {conversation, thread} → 204. */
export function deleteThread(state: SimulatorState, value: unknown): SimResponse {
  const p = new Payload(value, 'delete-thread');
  const conversationId = p.int('conversation', 1);
  const threadId = p.int('thread', 1);
  p.check();
  const found = findConversation(state, conversationId);
  if (!found.ok) return found.response;
  return state.removeThread(found.conversation, threadId) ? emptyResponse(204) : noThread(conversationId, threadId);
}

/** POST /__sim/copy-thread {conversation, thread} → 201 {id}: a duplicate, as a retried post would leave. */
export function copyThread(state: SimulatorState, value: unknown): SimResponse {
  const p = new Payload(value, 'copy-thread');
  const conversationId = p.int('conversation', 1);
  const threadId = p.int('thread', 1);
  p.check();
  const found = findConversation(state, conversationId);
  if (!found.ok) return found.response;
  const original = found.conversation.threads.find((t) => t.id === threadId);
  if (original === undefined) return noThread(conversationId, threadId);
  const { type, status, body, createdAtMs, imported, createdBy } = original;
  const attachments = original.attachments.map(({ fileName, mimeType, size, data }) => ({ fileName, mimeType, size, data }));
  const copy = state.addThread(found.conversation, { type, status, body, createdAtMs, imported, createdBy, attachments });
  return jsonResponse(201, { id: copy.id });
}

/**
 * POST /__sim/add-threads {conversation, count, type?, body?, createdAt?} → 201 {ids}: threads
 * posted in Help Scout itself, not imported. `message` (default) and `note` are by the account's
 * first user, `customer` by the conversation's customer; dated now unless `createdAt` is given.
 */
export function addThreads(state: SimulatorState, value: unknown): SimResponse {
  const p = new Payload(value, 'add-threads');
  const conversationId = p.int('conversation', 1);
  const count = p.int('count', 1, MAX_THREADS);
  const rawType = p.optional('type') ?? 'message';
  const type = ADDED_TYPES.find((t) => t === rawType);
  if (type === undefined) p.problems.push(`add-threads.type: must be one of ${ADDED_TYPES.join(', ')}`);
  const body = p.optional('body');
  if (body !== undefined && (typeof body !== 'string' || body === '')) p.problems.push('add-threads.body: must be a non-empty string');
  const rawCreatedAt = p.optional('createdAt');
  const createdAtMs = rawCreatedAt === undefined ? state.clock.now() : typeof rawCreatedAt === 'string' ? parseHelpScoutDate(rawCreatedAt) : null;
  if (createdAtMs === null) p.problems.push('add-threads.createdAt: must be YYYY-MM-DDTHH:mm:ssZ');
  p.check();
  const found = findConversation(state, conversationId);
  if (!found.ok) return found.response;
  const { conversation } = found;
  // Help Scout itself holds no more than this; the API's own 412 stays the API's business.
  if (conversation.threads.length + count > MAX_THREADS) {
    throw new Error(`conversation ${conversationId} holds ${conversation.threads.length} threads: ${count} more would pass ${MAX_THREADS}`);
  }
  const createdBy: SimPerson =
    type === 'customer' ? { id: conversation.customer.id, type: 'customer' } : { id: state.defaultUserId ?? 1, type: 'user' };
  const ids = Array.from({ length: count }, (_, i) => {
    const thread = state.addThread(conversation, {
      type: type ?? 'message',
      status: conversation.status,
      body: typeof body === 'string' ? body : `<p>Posted in Help Scout after the import (${i + 1} of ${count}).</p>`,
      createdAtMs: createdAtMs ?? state.clock.now(),
      imported: false,
      createdBy,
      attachments: [],
    });
    return thread.id;
  });
  return jsonResponse(201, { ids });
}
