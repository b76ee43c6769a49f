import type { ApiRequest } from '../api-request.ts';
import { readJsonBody } from '../json-body.ts';
import { emptyResponse, type SimResponse } from '../respond.ts';
import { lockedReason } from '../thread-limit.ts';
import type { ConversationStatus } from '../types.ts';
import { Validator } from '../validation.ts';
import { badRequest, notFound, vndError } from '../vnd-error.ts';

/** The docs' current list ("Valid statuses: active closed inbox_predefined open pending spam"). */
const NOTE_STATUSES = ['active', 'closed', 'inbox_predefined', 'open', 'pending', 'spam'] as const;
/** "inbox_predefined … will set conversation state to the inbox' default value": active, here. */
const INBOX_DEFAULT_STATUS: ConversationStatus = 'active';

/** POST /v2/conversations/{id}/notes → 201 + Resource-ID (the new thread id), empty body. */
export function createNote(request: ApiRequest): SimResponse {
  const json = readJsonBody(request);
  if (!json.ok) return json.response;
  const body = json.value;
  const { state } = request;
  const v = new Validator(state);
  const text = v.requiredText(body['text'], 'text');
  const imported = v.optionalBoolean(body['imported'], 'imported') ?? false;
  const createdAtMs = v.optionalCreatedAt(body['createdAt'], 'createdAt', imported);
  const status = body['status'] === undefined ? null : v.oneOf(body['status'], 'status', NOTE_STATUSES);
  const user = v.optionalUser(body['user'], 'user');
  const attachments = v.attachments(body['attachments'], 'attachments');
  if (v.errors.length > 0 || text === null) return badRequest(v.errors);

  const target = state.writeTarget(request.id);
  if (target.kind === 'not-found') return notFound('Conversation not found');
  const { conversation } = target;
  const locked = lockedReason(conversation);
  if (locked !== undefined) return vndError(412, locked);

  if (status !== null) conversation.status = status === 'inbox_predefined' ? INBOX_DEFAULT_STATUS : status;
  const thread = state.addThread(conversation, {
    type: 'note',
    status: conversation.status,
    body: text,
    createdAtMs: createdAtMs ?? state.clock.now(),
    imported,
    createdBy: { id: user ?? state.defaultUserId ?? 1, type: 'user' },
    attachments,
  });
  state.counters.notesCreated += 1;
  return emptyResponse(201, { 'Resource-ID': String(thread.id) });
}
