import type { ApiRequest } from '../api-request.ts';
import { isFieldError, pageEnvelope, readPage } from '../pagination.ts';
import { halResponse, type SimResponse } from '../respond.ts';
import { threadView } from '../views.ts';
import { badRequest, notFound } from '../vnd-error.ts';

/** "paginated to 50 items" */
const PAGE_SIZE = 50;

/** GET /v2/conversations/{id}/threads?page=N: newest first; merged ids are 404 here. */
export function listThreads(request: ApiRequest): SimResponse {
  const { state, baseUrl } = request;
  const target = state.writeTarget(request.id);
  if (target.kind === 'not-found') return notFound('Conversation not found');
  const page = readPage(request.query, PAGE_SIZE);
  if (isFieldError(page)) return badRequest([page]);
  const threads = target.conversation.threads;
  // Stored oldest first: page N (newest first) is a slice counted from the end.
  const end = Math.max(0, threads.length - (page.number - 1) * PAGE_SIZE);
  const slice = threads.slice(Math.max(0, end - PAGE_SIZE), end).reverse();
  const envelope = pageEnvelope(`${baseUrl}/v2/conversations/${request.id}/threads`, request.query, page, threads.length);
  return halResponse({
    // "Empty lists omit _embedded entirely."
    ...(slice.length > 0 ? { _embedded: { threads: slice.map((t) => threadView(state, baseUrl, t)) } } : {}),
    ...envelope,
  });
}
