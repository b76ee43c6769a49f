import type { ApiRequest } from '../api-request.ts';
import { isFieldError, pageEnvelope, readPage } from '../pagination.ts';
import { halResponse, type SimResponse } from '../respond.ts';
import { userView } from '../views.ts';
import { badRequest } from '../vnd-error.ts';

/** The docs' example answers `page.size` 50. */
const PAGE_SIZE = 50;

/**
 * GET /v2/users?email=&page=: every user of the account, invited ones included ("including those
 * who have not yet accepted their Help Scout invitations"), in id order. `email` is the
 * documented "exact match": case and all, on the primary address only (neither is documented
 * further; the less kind reading).
 */
export function listUsers(request: ApiRequest): SimResponse {
  const { state, baseUrl, query } = request;
  const page = readPage(query, PAGE_SIZE);
  if (isFieldError(page)) return badRequest([page]);
  const email = query.get('email');
  const users = [...state.users.values()]
    .filter((u) => email === null || u.email === email)
    .sort((a, b) => a.id - b.id);
  const slice = users.slice((page.number - 1) * PAGE_SIZE, page.number * PAGE_SIZE);
  return halResponse({
    // "Empty lists omit _embedded entirely."
    ...(slice.length > 0 ? { _embedded: { users: slice.map((u) => userView(baseUrl, u)) } } : {}),
    ...pageEnvelope(`${baseUrl}/v2/users`, query, page, users.length),
  });
}
