import type { ApiRequest } from '../api-request.ts';
import { halResponse, type SimResponse } from '../respond.ts';
import { userView } from '../views.ts';
import { notFound } from '../vnd-error.ts';

/** GET /v2/users/{id}: the user as List Users shows it, or 404. */
export function getUser(request: ApiRequest): SimResponse {
  const user = request.state.users.get(request.id);
  return user === undefined ? notFound('User not found') : halResponse(userView(request.baseUrl, user));
}
