import type { ApiRequest } from '../api-request.ts';
import type { Counters } from '../counters.ts';
import { readCustomer, resolveCustomer } from '../customer-ref.ts';
import { readJsonBody } from '../json-body.ts';
import { emptyResponse, type SimResponse } from '../respond.ts';
import type { ApiHandler } from '../router.ts';
import { lockedReason } from '../thread-limit.ts';
import type { ConversationStatus, SimPerson } from '../types.ts';
import { Validator } from '../validation.ts';
import { badRequest, notFound, vndError } from '../vnd-error.ts';

/**
 * What sets one thread endpoint (`/notes`, `/customer`, `/reply`) apart; the rest (404 for
 * merged ids, the two 412s, `imported`/`createdAt`, attachments, 201 + Resource-ID) is shared.
 */
interface ThreadEndpoint {
  /** How List Threads reports the thread: a reply is a "message". */
  type: 'note' | 'customer' | 'message';
  /**
   * Customer and reply threads need `customer` ({id} or {email}). The customer writes a customer
   * thread, which therefore takes no `user` ("only note and reply threads take a user").
   */
  customer: 'none' | 'author' | 'addressee';
  /** The documented `status` values; empty: the endpoint has no `status` field. */
  statuses: readonly RequestedStatus[];
  /** The conversation's status after the thread, from the request's `status` (null when absent). */
  nextStatus(requested: RequestedStatus | null, imported: boolean, current: ConversationStatus): ConversationStatus;
  counter: keyof Pick<Counters, 'notesCreated' | 'customerThreadsCreated' | 'repliesCreated'>;
}

type RequestedStatus = ConversationStatus | 'inbox_predefined' | 'all';

/**
 * A `status` the request names. "The inbox_predefined status will set conversation state to the
 * inbox' default value": active, here. `all` (a reply status in the docs) means no status: no change (assumed).
 */
const requestedStatus = (requested: RequestedStatus, current: ConversationStatus): ConversationStatus =>
  requested === 'inbox_predefined' ? 'active' : requested === 'all' ? current : requested;

const NOTE: ThreadEndpoint = {
  type: 'note',
  customer: 'none',
  statuses: ['active', 'closed', 'inbox_predefined', 'open', 'pending', 'spam'],
  // Without `status` a note leaves the conversation alone (assumed, FIDELITY).
  nextStatus: (requested, _imported, current) => (requested === null ? current : requestedStatus(requested, current)),
  counter: 'notesCreated',
};

const CUSTOMER: ThreadEndpoint = {
  type: 'customer',
  customer: 'author',
  statuses: [],
  // "Unless imported field is set to true, it will re-open the updated conversation."
  nextStatus: (_requested, imported, current) => (imported ? current : 'active'),
  counter: 'customerThreadsCreated',
};

const REPLY: ThreadEndpoint = {
  type: 'message',
  customer: 'addressee',
  statuses: ['active', 'all', 'closed', 'open', 'pending', 'spam'],
  // "If not explicitly set, a reply thread will reactivate the conversation": imported or not,
  // the docs make no exception.
  nextStatus: (requested, _imported, current) => (requested === null ? 'active' : requestedStatus(requested, current)),
  counter: 'repliesCreated',
};

/** One handler per endpoint, all the same shape: POST …/{id}/<kind> → 201 + Resource-ID, empty body. */
function threadRoute(endpoint: ThreadEndpoint): ApiHandler {
  return (request: ApiRequest): SimResponse => {
    const json = readJsonBody(request);
    if (!json.ok) return json.response;
    const body = json.value;
    const { state } = request;
    const v = new Validator(state);
    const text = v.requiredText(body['text'], 'text');
    const customerRef = endpoint.customer === 'none' ? null : readCustomer(v, state, body['customer'], 'customer');
    const imported = v.optionalBoolean(body['imported'], 'imported') ?? false;
    const createdAtMs = v.optionalCreatedAt(body['createdAt'], 'createdAt', imported);
    const status = endpoint.statuses.length === 0 || body['status'] === undefined ? null : v.oneOf(body['status'], 'status', endpoint.statuses);
    const user = endpoint.customer === 'author' ? null : v.optionalUser(body['user'], 'user');
    const attachments = v.attachments(body['attachments'], 'attachments');
    if (v.errors.length > 0 || text === null) return badRequest(v.errors);

    const target = state.writeTarget(request.id);
    if (target.kind === 'not-found') return notFound('Conversation not found');
    const { conversation } = target;
    const locked = lockedReason(conversation);
    if (locked !== undefined) return vndError(412, locked);

    // Only now, with the write certain, may an unknown customer email create a customer.
    const customer = customerRef === null ? undefined : resolveCustomer(state, customerRef);
    const createdBy: SimPerson =
      endpoint.customer === 'author' && customer !== undefined
        ? { id: customer.id, type: 'customer' }
        : { id: user ?? state.defaultUserId ?? 1, type: 'user' };
    conversation.status = endpoint.nextStatus(status, imported, conversation.status);
    const thread = state.addThread(conversation, {
      type: endpoint.type,
      status: conversation.status,
      body: text,
      createdAtMs: createdAtMs ?? state.clock.now(),
      imported,
      createdBy,
      attachments,
    });
    state.counters[endpoint.counter] += 1;
    if (!imported) state.counters.threadsNotImported += 1;
    return emptyResponse(201, { 'Resource-ID': String(thread.id) });
  };
}

/** POST /v2/conversations/{id}/notes: `text` required; `user`, `status`, `imported`, `createdAt`, `attachments`. */
export const createNote = threadRoute(NOTE);
/** POST /v2/conversations/{id}/customer: `customer` and `text` required; no `user`, no `status`. */
export const createCustomerThread = threadRoute(CUSTOMER);
/** POST /v2/conversations/{id}/reply: `customer` ("Customer being replied to") and `text` required; `user`, `status`. */
export const createReply = threadRoute(REPLY);
