import type { ApiRequest } from '../api-request.ts';
import { readCustomer, resolveCustomer, type CustomerRef } from '../customer-ref.ts';
import { readJsonBody } from '../json-body.ts';
import { emptyResponse, type SimResponse } from '../respond.ts';
import type { NewThread, SimulatorState } from '../state.ts';
import { MAX_THREADS } from '../thread-limit.ts';
import type { ConversationStatus, ConversationType, SimAttachment, ThreadType } from '../types.ts';
import { Validator } from '../validation.ts';
import { badRequest, vndError } from '../vnd-error.ts';

const TYPES: readonly ConversationType[] = ['chat', 'email', 'phone'];
const STATUSES: readonly ConversationStatus[] = ['active', 'closed', 'pending'];
const THREAD_TYPES = ['customer', 'reply', 'note', 'chat', 'phone'] as const;
type RequestThreadType = (typeof THREAD_TYPES)[number];

interface RequestThread {
  type: RequestThreadType;
  text: string;
  createdAtMs: number | null;
  imported: boolean;
  user: number | null;
  customer: CustomerRef | null;
  attachments: Omit<SimAttachment, 'id'>[];
}

/** Thread types that name a customer, and must (as on their own endpoints: "customer … Y"). */
const NEEDS_CUSTOMER: ReadonlySet<RequestThreadType> = new Set(['customer', 'reply', 'chat', 'phone']);

/** `imported` is the thread's own: one a request leaves unmarked counts as not imported (see FIDELITY). */
function readThread(v: Validator, state: SimulatorState, value: unknown, path: string): RequestThread | null {
  if (typeof value !== 'object' || value === null) return v.add(path, 'Type', 'Expected an object', value);
  const t = value as Record<string, unknown>;
  const type = v.oneOf(t['type'], `${path}.type`, THREAD_TYPES);
  const text = v.requiredText(t['text'], `${path}.text`);
  const imported = v.optionalBoolean(t['imported'], `${path}.imported`) ?? false;
  const createdAtMs = v.optionalCreatedAt(t['createdAt'], `${path}.createdAt`, imported);
  const user = v.optionalUser(t['user'], `${path}.user`);
  const named = type !== null && NEEDS_CUSTOMER.has(type);
  const customer = named || t['customer'] !== undefined ? readCustomer(v, state, t['customer'], `${path}.customer`) : null;
  const attachments = v.attachments(t['attachments'], `${path}.attachments`);
  if (type === null || text === null) return null;
  return { type, text, createdAtMs, imported, user, customer, attachments };
}

/** Help Scout lists a reply as a "message" thread. */
const storedType = (type: RequestThreadType): ThreadType => (type === 'reply' ? 'message' : type);
const byCustomer = (type: RequestThreadType): boolean => type === 'customer' || type === 'chat' || type === 'phone';

/** POST /v2/conversations → 201 + Location + Resource-Id, empty body. 1..100 threads. */
export function createConversation(request: ApiRequest): SimResponse {
  const json = readJsonBody(request);
  if (!json.ok) return json.response;
  const body = json.value;
  const { state } = request;
  const v = new Validator(state);
  const subject = v.requiredText(body['subject'], 'subject');
  const type = v.oneOf(body['type'], 'type', TYPES);
  const mailboxId = v.identifier(body['mailboxId'], 'mailboxId');
  if (mailboxId !== null && !state.mailboxes.has(mailboxId)) v.add('mailboxId', 'InvalidIdentifier', 'Invalid identifier', body['mailboxId']);
  const status = v.oneOf(body['status'], 'status', STATUSES);
  const imported = v.optionalBoolean(body['imported'], 'imported') ?? false;
  const createdAtMs = v.optionalCreatedAt(body['createdAt'], 'createdAt', imported);
  const user = v.optionalUser(body['user'], 'user');
  v.optionalUser(body['assignTo'], 'assignTo');
  const tags = v.optionalStringArray(body['tags'], 'tags') ?? [];
  const customerRef = readCustomer(v, state, body['customer'], 'customer');
  const rawThreads = body['threads'];
  if (!Array.isArray(rawThreads) || rawThreads.length === 0) {
    v.add('threads', Array.isArray(rawThreads) || rawThreads == null ? 'NotEmpty' : 'Type', 'may not be empty', rawThreads);
  }
  const threads = (Array.isArray(rawThreads) ? rawThreads : []).map((t: unknown, i) => readThread(v, state, t, `threads[${i}]`));
  if (v.errors.length > 0 || subject === null || type === null || status === null || customerRef === null) {
    return badRequest(v.errors);
  }
  if (threads.length > MAX_THREADS) return vndError(412, `Conversation cannot have more than ${MAX_THREADS} threads`);

  const customer = resolveCustomer(state, customerRef);
  const now = state.clock.now();
  const datedThreads = threads.flatMap((t) => (t?.createdAtMs == null ? [] : [t.createdAtMs]));
  const conversationCreatedAt = createdAtMs ?? (datedThreads.length > 0 ? Math.min(...datedThreads) : now);
  const userId = user ?? state.defaultUserId ?? 1;
  const newThreads = threads.flatMap((t): NewThread[] => {
    if (t === null) return [];
    const author = byCustomer(t.type)
      ? { id: t.customer === null ? customer.id : resolveCustomer(state, t.customer).id, type: 'customer' as const }
      : { id: t.user ?? userId, type: 'user' as const };
    return [{
      type: storedType(t.type),
      status,
      body: t.text,
      createdAtMs: t.createdAtMs ?? createdAtMs ?? now,
      imported: t.imported,
      createdBy: author,
      attachments: t.attachments,
    }];
  });
  const conversation = state.createConversation(
    { mailboxId: mailboxId ?? 0, type, status, subject, customer, createdAtMs: conversationCreatedAt, imported, tags },
    newThreads,
  );
  state.counters.conversationsCreated += 1;
  state.counters.threadsNotImported += newThreads.filter((t) => !t.imported).length;
  return emptyResponse(201, {
    Location: `${request.baseUrl}/v2/conversations/${conversation.id}`,
    'Resource-Id': String(conversation.id),
  });
}
