import type { ApiRequest } from '../api-request.ts';
import { emptyResponse, halResponse, type SimResponse } from '../respond.ts';
import { conversationView } from '../views.ts';
import { notFound } from '../vnd-error.ts';

/** "…a Location header with the URI of the new conversation for 60 days after the merge." */
const MERGE_REDIRECT_MS = 60 * 24 * 3_600_000;

/** GET /v2/conversations/{id}[?embed=threads]; a merged id answers 301, one hop per request. */
export function getConversation(request: ApiRequest): SimResponse {
  const { state, baseUrl } = request;
  const conversation = state.conversations.get(request.id);
  if (conversation === undefined) return notFound('Conversation not found');
  if (conversation.mergedInto !== null) {
    const expired = state.clock.now() - (conversation.mergedAtMs ?? 0) > MERGE_REDIRECT_MS;
    if (expired) return notFound('Conversation not found');
    return emptyResponse(301, { Location: `${baseUrl}/v2/conversations/${conversation.mergedInto}` });
  }
  const embedThreads = request.query.get('embed')?.split(',').includes('threads') ?? false;
  return halResponse(conversationView(state, baseUrl, conversation, embedThreads));
}
