import type { SimulatorState } from './state.ts';
import type { SeedUser, SimConversation, SimPerson, SimThread } from './types.ts';

/** Seeds carry no dates for users; one fixed past date keeps answers deterministic. */
const USER_DATE = '2020-01-01T00:00:00Z';

/** JSON of a person as v2 embeds it (`first`/`last`, not v1's `firstName`/`lastName`). */
function personView(state: SimulatorState, person: SimPerson): Record<string, unknown> {
  if (person.type === 'user') {
    const user = state.users.get(person.id);
    return { id: person.id, type: 'user', first: user?.firstName ?? '', last: user?.lastName ?? '', email: user?.email ?? '' };
  }
  const customer = state.customerById(person.id);
  return { id: person.id, type: 'customer', first: customer?.first ?? '', last: customer?.last ?? '', email: customer?.email ?? '' };
}

export function threadView(state: SimulatorState, baseUrl: string, thread: SimThread): Record<string, unknown> {
  const byUser = thread.createdBy.type === 'user';
  return {
    id: thread.id,
    type: thread.type,
    status: thread.status,
    state: 'published',
    body: thread.body,
    source: { type: 'api', via: byUser ? 'user' : 'customer' },
    createdBy: personView(state, thread.createdBy),
    to: [],
    cc: [],
    bcc: [],
    createdAt: thread.createdAt,
    ...(thread.imported ? { imported: true } : {}),
    _embedded: {
      attachments: thread.attachments.map((a) => ({
        id: a.id,
        filename: a.fileName,
        mimeType: a.mimeType,
        width: 0,
        height: 0,
        size: a.size,
        state: 'ok',
        _links: { data: { href: `${baseUrl}/v2/attachments/${a.id}/data` } },
      })),
    },
    _links: {
      [byUser ? 'createdByUser' : 'createdByCustomer']: {
        href: `${baseUrl}/v2/${byUser ? 'users' : 'customers'}/${thread.createdBy.id}`,
      },
    },
  };
}

/** The preview Help Scout shows: the start of the newest thread's text. */
function preview(conversation: SimConversation): string {
  const newest = conversation.threads.at(-1);
  return (newest?.body ?? conversation.subject).replace(/<[^>]*>/g, '').slice(0, 100);
}

export function conversationView(
  state: SimulatorState,
  baseUrl: string,
  conversation: SimConversation,
  embedThreads: boolean,
): Record<string, unknown> {
  const { customer, id } = conversation;
  const self = `${baseUrl}/v2/conversations/${id}`;
  return {
    id,
    number: conversation.number,
    threads: conversation.threads.length,
    type: conversation.type,
    folderId: conversation.mailboxId * 10,
    status: conversation.status,
    state: 'published',
    subject: conversation.subject,
    preview: preview(conversation),
    mailboxId: conversation.mailboxId,
    createdBy: { id: customer.id, type: 'customer', email: customer.email },
    createdAt: conversation.createdAt,
    source: { type: 'email', via: 'customer' },
    tags: conversation.tags.map((tag) => ({ id: state.tagId(tag), color: '#929499', tag })),
    cc: [],
    bcc: [],
    primaryCustomer: { id: customer.id, type: 'customer', first: customer.first, last: customer.last, email: customer.email },
    customFields: [],
    ...(embedThreads
      ? { _embedded: { threads: conversation.threads.toReversed().map((t) => threadView(state, baseUrl, t)) } }
      : {}),
    _links: {
      self: { href: self },
      mailbox: { href: `${baseUrl}/v2/mailboxes/${conversation.mailboxId}` },
      primaryCustomer: { href: `${baseUrl}/v2/customers/${customer.id}` },
      createdByCustomer: { href: `${baseUrl}/v2/customers/${customer.id}` },
      threads: { href: `${self}/threads/` },
      web: { href: `https://secure.helpscout.net/conversation/${id}/${conversation.number}/` },
    },
  };
}

/**
 * A user as List Users / Get User answer it. `photoUrl`, `jobTitle`, `phone` are left out (seeds
 * have none); nothing tells an invited user apart, as in the documented shape.
 */
export function userView(baseUrl: string, user: SeedUser): Record<string, unknown> {
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    role: user.role ?? 'user',
    timezone: 'UTC',
    createdAt: USER_DATE,
    updatedAt: USER_DATE,
    type: user.type ?? 'user',
    mention: user.firstName.toLowerCase(),
    initials: `${user.firstName.charAt(0)}${user.lastName.charAt(0)}`.toUpperCase(),
    alternateEmails: user.alternateEmails ?? [],
    _links: { self: { href: `${baseUrl}/v2/users/${user.id}` } },
  };
}
