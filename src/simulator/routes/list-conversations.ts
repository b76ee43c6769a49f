import type { ApiRequest } from '../api-request.ts';
import { isFieldError, pageEnvelope, readPage } from '../pagination.ts';
import { halResponse, type SimResponse } from '../respond.ts';
import type { SimConversation } from '../types.ts';
import { enumMessage } from '../validation.ts';
import { conversationView } from '../views.ts';
import { badRequest, type FieldError } from '../vnd-error.ts';

/** "…with the exception of List Conversation requests, which are paginated to 25 items" */
const PAGE_SIZE = 25;
const STATUSES = ['active', 'all', 'closed', 'open', 'pending', 'spam'] as const;

/**
 * GET /v2/conversations?mailbox=&tag=&status=&page=. `status` defaults to active only, so a
 * closed conversation is found only with status=all (or closed): documented, and easy to miss.
 */
export function listConversations(request: ApiRequest): SimResponse {
  const { state, baseUrl, query } = request;
  const errors: FieldError[] = [];
  const page = readPage(query, PAGE_SIZE);
  if (isFieldError(page)) errors.push(page);
  const status = query.get('status') ?? 'active';
  if (!STATUSES.some((s) => s === status)) {
    errors.push({ path: 'status', code: 'EnumValue', message: enumMessage(STATUSES), rejectedValue: status });
  }
  // "mailbox=123,567": "Use comma separated values for more inboxes".
  const mailboxRaw = query.get('mailbox') ?? '';
  const mailboxes = mailboxRaw === '' ? undefined : new Set(mailboxRaw.split(',').map((m) => (/^\s*\d{1,15}\s*$/.test(m) ? Number(m) : NaN)));
  if (mailboxes !== undefined && [...mailboxes].some((m) => Number.isNaN(m))) {
    errors.push({ path: 'mailbox', code: 'InvalidNumber', message: 'Invalid number', rejectedValue: mailboxRaw });
  }
  if (errors.length > 0 || isFieldError(page)) return badRequest(errors);

  // "tag=red,blue": "Use comma separated values for more tags"; any of them matches (assumed).
  const tags = (query.get('tag') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const candidates: Iterable<SimConversation> =
    tags.length === 0
      ? state.conversations.values()
      : new Set(tags.flatMap((tag) => [...state.conversationsTagged(tag)].flatMap((id) => state.conversations.get(id) ?? [])));
  const matches = [...candidates]
    .filter(
      (c) =>
        c.mergedInto === null &&
        (mailboxes === undefined || mailboxes.has(c.mailboxId)) &&
        (status === 'all' || c.status === status),
    )
    .sort((a, b) => b.createdAtMs - a.createdAtMs || b.id - a.id);
  const slice = matches.slice((page.number - 1) * PAGE_SIZE, page.number * PAGE_SIZE);
  return halResponse({
    ...(slice.length > 0 ? { _embedded: { conversations: slice.map((c) => conversationView(state, baseUrl, c, false)) } } : {}),
    ...pageEnvelope(`${baseUrl}/v2/conversations`, query, page, matches.length),
  });
}
