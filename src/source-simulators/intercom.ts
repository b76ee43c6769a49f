import { createHash } from 'node:crypto';
import { startFileServer } from '../simulator/files/file-server.ts';
import { bytesOf } from './file-bytes.ts';
import { platformSim, startPlatformServer, type PlatformSim, type PlatformSimOptions, type RateState, type SimAnswer, type SimRequest } from './sim-server.ts';

/**
 * Intercom's REST API (version 2.11) as the exporter meets it, over real HTTP on 127.0.0.1, seeded
 * by a small generator: conversations started by contacts or by admins, comments, notes and system
 * parts (assignment, close), uploads behind links that expire, contacts named by id only.
 * Shaped after `/work/shared/samples/intercom/` (the OpenAPI 2.11 examples) and these documents:
 *
 * - Search conversations: `POST /conversations/search`, body `{query, pagination: {per_page ≤ 150,
 *   starting_after}}`; a query is `{field, operator, value}` or `{operator: AND|OR, value: [...]}`;
 *   answers `conversation.list` with `pages.next.starting_after` while more are left.
 *   https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/conversations/searchconversations
 *   https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/pagination/
 * - Retrieve a conversation: `GET /conversations/{id}`, with `conversation_parts` and
 *   `contacts.contacts[{type, id, external_id}]`.
 *   https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/conversations/retrieveconversation
 * - Retrieve a contact: `GET /contacts/{id}` (`role`, `email`, `name`, `external_id`).
 *   https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/contacts/showcontact
 * - Rate limits: `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (UNIX seconds)
 *   on answers, 429 with the same headers beyond the limit.
 *   https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
 * - Errors: `{type: "error.list", errors: [{code, message}]}`.
 *   https://developers.intercom.com/docs/references/rest-api/errors/http-responses
 *
 * Simplifications: search orders by `updated_at` then id (Intercom documents no order) and its
 * cursor is that position, so a conversation updated during a walk comes again later, never not
 * at all; only `id`, `created_at` and `updated_at` are searchable; attachment links expire after a
 * number of uses instead of a time.
 */
export interface IntercomSimOptions extends PlatformSimOptions {
  /** The access token: `Authorization: Bearer {token}`. */
  readonly token: string;
  readonly conversations: number;
  /** Conversation i gets i mod this parts after its first message (comments, notes, events). */
  readonly partsPerConversation: number;
  /** Every Nth message (over all conversations) carries an upload; 0: none. */
  readonly fileEvery?: number;
  /** Every Nth conversation's first message shows an inline image; 0: none. */
  readonly inlineEvery?: number;
  /** Successful downloads before an attachment link expires (403). */
  readonly linkUses?: number;
  /** Search's largest page (documented: 150). */
  readonly searchPageMax?: number;
  /** Parts one `GET /conversations/{id}` shows (documented: at most 500); `total_count` tells them all. */
  readonly partsShown?: number;
}

export interface IntercomAuthor {
  readonly type: 'admin' | 'user' | 'lead';
  readonly id: string;
  readonly name: string | null;
  readonly email: string;
}

export interface IntercomUpload {
  readonly type: 'upload';
  readonly name: string;
  readonly url: string;
  readonly content_type: string;
  readonly filesize: number;
}

export interface IntercomPart {
  readonly type: 'conversation_part';
  readonly id: string;
  readonly part_type: 'comment' | 'note' | 'assignment' | 'close';
  readonly body: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly author: IntercomAuthor;
  readonly attachments: readonly IntercomUpload[];
  readonly redacted: false;
}

export interface IntercomContact {
  readonly type: 'contact';
  readonly id: string;
  readonly external_id: string;
  readonly role: 'user' | 'lead';
  readonly name: string;
  readonly email: string;
}

export interface IntercomConversation {
  readonly id: string;
  readonly created_at: number;
  updated_at: number;
  readonly contact: IntercomContact;
  readonly source: { readonly id: string; readonly subject: string; readonly body: string; readonly author: IntercomAuthor; readonly attachments: readonly IntercomUpload[]; readonly delivered_as: string };
  readonly parts: IntercomPart[];
  state: 'open' | 'closed';
}

/** `files`: where the upload links point (`downloads.intercomcdn.com` in life). */
export interface IntercomSim extends PlatformSim {
  /** `http://127.0.0.1:PORT`: what `--api-url` takes. */
  readonly url: string;
  readonly authorization: string;
  /** The workspace's data, the ground truth of the tests. */
  readonly conversations: readonly IntercomConversation[];
  readonly contacts: ReadonlyMap<string, IntercomContact>;
  /** Bytes of each file by its link. */
  readonly fileBytes: ReadonlyMap<string, Buffer>;
  /** A new reply by the conversation's contact, with a file: the conversation changes now. */
  addReply(conversationId: string): IntercomPart;
  /** A new conversation started by a new contact. */
  addConversation(): IntercomConversation;
}

const SEED_EPOCH = Date.UTC(2024, 0, 1) / 1000;
const ADMINS: readonly [IntercomAuthor, ...IntercomAuthor[]] = [admin(0), admin(1), admin(2)];
/** The parts a conversation cycles through: a realistic mix of messages and events. */
const PART_CYCLE = ['comment-contact', 'comment-admin', 'note', 'assignment', 'comment-contact', 'close'] as const;

export async function startIntercomSim(options: IntercomSimOptions): Promise<IntercomSim> {
  const authorization = `Bearer ${options.token}`;
  const files = await startFileServer();
  const conversations: IntercomConversation[] = [];
  const byId = new Map<string, IntercomConversation>();
  const contacts = new Map<string, IntercomContact>();
  const fileBytes = new Map<string, Buffer>();
  let messages = 0;
  let nextPart = 1;
  let nextFile = 1;
  let lastStamp = SEED_EPOCH;

  /** Epoch seconds, never going back (nor ahead of the clock): seeded history first, then "now" for changes made by tests. */
  const stamp = (seeded?: number): number => (lastStamp = Math.max(lastStamp, seeded ?? Math.floor(Date.now() / 1000)));

  const upload = (name: string, contentType: string, size: number): IntercomUpload => {
    const path = `/i/o/${nextFile++}/${name}`;
    const body = bytesOf(path, size);
    files.route(path, { body, contentType, uses: options.linkUses ?? 2 });
    const url = `${files.url}${path}`;
    fileBytes.set(url, body);
    return { type: 'upload', name, url, content_type: contentType, filesize: size };
  };
  /** Every `fileEvery`-th message carries a file. */
  const uploadsFor = (): IntercomUpload[] => {
    messages++;
    const every = options.fileEvery ?? 0;
    return every > 0 && messages % every === 0 ? [upload(`file-${messages}.pdf`, 'application/pdf', 200 + (messages % 7) * 97)] : [];
  };

  const contactFor = (i: number): IntercomContact => {
    // Every third conversation comes from the previous one's contact: contacts repeat.
    const owner = i % 3 === 2 ? i - 1 : i;
    const id = createHash('sha256').update(`contact ${owner}`).digest('hex').slice(0, 24);
    const known = contacts.get(id);
    if (known !== undefined) return known;
    const contact: IntercomContact = { type: 'contact', id, external_id: String(5000 + owner), role: owner % 4 === 3 ? 'lead' : 'user', name: `Customer ${owner}`, email: `customer${owner}@example.com` };
    contacts.set(id, contact);
    return contact;
  };
  const asAuthor = (contact: IntercomContact): IntercomAuthor => ({ type: contact.role, id: contact.id, name: contact.name, email: contact.email });

  const part = (conversation: IntercomConversation, kind: (typeof PART_CYCLE)[number], at: number): IntercomPart => {
    const admin = adminAt(conversation.parts.length);
    const id = String(nextPart++);
    const base = { type: 'conversation_part', id, created_at: at, updated_at: at, redacted: false } as const;
    if (kind === 'assignment' || kind === 'close') return { ...base, part_type: kind, body: null, author: admin, attachments: [] };
    const fromContact = kind === 'comment-contact';
    return {
      ...base,
      part_type: kind === 'note' ? 'note' : 'comment',
      body: `<p>${kind} ${id} of conversation ${conversation.id}</p>`,
      author: fromContact ? asAuthor(conversation.contact) : admin,
      attachments: uploadsFor(),
    };
  };

  const addConversation = (seededAt?: number): IntercomConversation => {
    const i = conversations.length;
    const contact = contactFor(i);
    const createdAt = stamp(seededAt);
    const id = String(1000 + i);
    // One in three is started by an admin: then only `contacts` names the customer.
    const adminInitiated = i % 3 === 0;
    const inline = (options.inlineEvery ?? 0) > 0 && i % (options.inlineEvery ?? 1) === 0 ? upload(`screenshot-${i}.png`, 'image/png', 321) : undefined;
    const conversation: IntercomConversation = {
      id,
      created_at: createdAt,
      updated_at: createdAt,
      contact,
      source: {
        id: String(400000000 + i),
        subject: adminInitiated ? '' : `<p>Question ${i}</p>`,
        body: `<p>first message of conversation ${id}</p>${inline === undefined ? '' : `<p><img src="${inline.url}"></p>`}`,
        author: adminInitiated ? adminAt(i) : asAuthor(contact),
        attachments: uploadsFor(),
        delivered_as: adminInitiated ? 'admin_initiated' : 'customer_initiated',
      },
      parts: [],
      state: 'open',
    };
    conversations.push(conversation);
    byId.set(id, conversation);
    return conversation;
  };

  for (let i = 0; i < options.conversations; i++) {
    const conversation = addConversation(SEED_EPOCH + i * 3600);
    const count = options.partsPerConversation > 0 ? i % options.partsPerConversation : 0;
    for (let p = 0; p < count; p++) {
      const kind = PART_CYCLE[p % PART_CYCLE.length] ?? 'comment-contact';
      conversation.parts.push(part(conversation, kind, conversation.created_at + (p + 1) * 60));
      if (kind === 'close') conversation.state = 'closed';
    }
    conversation.updated_at = conversation.parts.at(-1)?.updated_at ?? conversation.created_at;
    lastStamp = Math.max(lastStamp, conversation.updated_at);
  }

  const handle = (request: SimRequest): SimAnswer => {
    if (request.method === 'POST' && request.path === '/conversations/search') return search(request.body);
    if (request.method !== 'GET') return error(404, 'not_found', 'Resource Not Found');
    const conversation = /^\/conversations\/([^/]+)$/.exec(request.path);
    if (conversation !== null) {
      const found = byId.get(decodeURIComponent(conversation[1] ?? ''));
      return found === undefined ? error(404, 'not_found', 'Resource Not Found') : { status: 200, body: conversationView(found, options.partsShown ?? 500) };
    }
    const contact = /^\/contacts\/([^/]+)$/.exec(request.path);
    if (contact !== null) {
      const found = contacts.get(decodeURIComponent(contact[1] ?? ''));
      return found === undefined ? error(404, 'not_found', 'User Not Found') : { status: 200, body: contactView(found) };
    }
    return error(404, 'not_found', 'Resource Not Found');
  };

  const search = (text: string): SimAnswer => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return error(400, 'parameter_invalid', 'Body is not valid JSON');
    }
    const matches = matcher(body.query);
    if (typeof matches === 'string') return error(400, 'parameter_invalid', matches);
    const paging = (body.pagination ?? {}) as { per_page?: unknown; starting_after?: unknown };
    const perPage = paging.per_page === undefined ? 20 : Number(paging.per_page);
    const max = options.searchPageMax ?? 150;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > max) return error(400, 'parameter_invalid', `per_page must be between 1 and ${max}`);
    const after = paging.starting_after === undefined || paging.starting_after === null ? undefined : typeof paging.starting_after === 'string' ? decodeCursor(paging.starting_after) : null;
    if (after === null) return error(400, 'parameter_invalid', 'starting_after is not a valid cursor');
    const hits = conversations
      .filter((c) => matches(c))
      .map((c) => ({ c, at: [c.updated_at, Number(c.id)] as const }))
      .sort((a, b) => compare(a.at, b.at));
    const rest = after === undefined ? hits : hits.filter((h) => compare(h.at, after) > 0);
    const page = rest.slice(0, perPage);
    const last = page.at(-1);
    const done = hits.length - rest.length;
    return {
      status: 200,
      body: {
        type: 'conversation.list',
        conversations: page.map((h) => conversationView(h.c, 0)),
        total_count: hits.length,
        pages: {
          type: 'pages',
          page: Math.floor(done / perPage) + 1,
          per_page: perPage,
          total_pages: Math.max(1, Math.ceil(hits.length / perPage)),
          ...(rest.length > page.length && last !== undefined ? { next: { page: Math.floor(done / perPage) + 2, starting_after: encodeCursor(last.at) } } : {}),
        },
      },
    };
  };

  // The app's budget is documented as 10,000 a minute, spread over 10-second windows.
  const server = await startPlatformServer(handle, options, { authorization, limit: { requests: 1666, windowMs: 10_000 }, rateHeaders: intercomRateHeaders });

  return {
    url: server.url,
    authorization,
    ...platformSim(server, files),
    conversations,
    contacts,
    fileBytes,
    addReply(conversationId) {
      const conversation = byId.get(conversationId);
      if (conversation === undefined) throw new Error(`no conversation ${conversationId}`);
      const at = stamp();
      const reply: IntercomPart = { ...part(conversation, 'comment-contact', at), attachments: [upload(`reply-${nextPart}.txt`, 'text/plain', 64)] };
      conversation.parts.push(reply);
      conversation.updated_at = at;
      conversation.state = 'open';
      return reply;
    },
    addConversation: () => addConversation(),
  };
}

function admin(i: number): IntercomAuthor {
  return { type: 'admin', id: String(991267500 + i), name: `Admin ${i}`, email: `admin${i}@acme.example` };
}

function adminAt(i: number): IntercomAuthor {
  return ADMINS[i % ADMINS.length] ?? ADMINS[0];
}

/** https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting — reset as UNIX seconds, rounded up. */
function intercomRateHeaders(state: RateState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(Math.ceil(state.resetAtMs / 1000)),
  };
}

/** A search query as a predicate, or why it is refused. */
function matcher(query: unknown): ((c: IntercomConversation) => boolean) | string {
  if (typeof query !== 'object' || query === null) return 'query is required';
  const q = query as { field?: unknown; operator?: unknown; value?: unknown };
  if (q.operator === 'AND' || q.operator === 'OR') {
    if (!Array.isArray(q.value) || q.value.length === 0 || q.value.length > 15) return 'AND/OR take 1 to 15 filters';
    const parts = q.value.map(matcher);
    const bad = parts.find((p) => typeof p === 'string');
    if (bad !== undefined) return bad;
    const predicates = parts as ((c: IntercomConversation) => boolean)[];
    return q.operator === 'AND' ? (c) => predicates.every((p) => p(c)) : (c) => predicates.some((p) => p(c));
  }
  const field = q.field;
  if (field !== 'id' && field !== 'created_at' && field !== 'updated_at') return `field ${String(field)} is not searchable here`;
  const value = Number(q.value);
  if (!Number.isFinite(value)) return `${field} takes a number`;
  const of = (c: IntercomConversation): number => (field === 'id' ? Number(c.id) : c[field]);
  switch (q.operator) {
    case '>':
      return (c) => of(c) > value;
    case '<':
      return (c) => of(c) < value;
    case '=':
      return (c) => of(c) === value;
    case '!=':
      return (c) => of(c) !== value;
    default:
      return `operator ${String(q.operator)} is not supported`;
  }
}

/** The 2.11 conversation model with up to `partsShown` parts; search results (0) leave the parts out. */
function conversationView(c: IntercomConversation, partsShown: number): Record<string, unknown> {
  return {
    type: 'conversation',
    id: c.id,
    created_at: c.created_at,
    updated_at: c.updated_at,
    waiting_since: null,
    snoozed_until: null,
    source: { type: 'conversation', ...c.source, url: null, redacted: false },
    contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: c.contact.id, external_id: c.contact.external_id }] },
    open: c.state === 'open',
    state: c.state,
    read: true,
    tags: { type: 'tag.list', tags: [] },
    priority: 'not_priority',
    title: null,
    custom_attributes: {},
    ...(partsShown > 0 ? { conversation_parts: { type: 'conversation_part.list', conversation_parts: c.parts.slice(0, partsShown), total_count: c.parts.length } } : {}),
  };
}

function contactView(contact: IntercomContact): Record<string, unknown> {
  return { ...contact, workspace_id: 'ecahpwf5', phone: null, avatar: null, owner_id: null, created_at: SEED_EPOCH, updated_at: SEED_EPOCH, custom_attributes: {} };
}

function error(status: number, code: string, message: string): SimAnswer {
  return { status, body: { type: 'error.list', request_id: `req-${status}`, errors: [{ code, message }] } };
}

function compare(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

function encodeCursor(at: readonly [number, number]): string {
  return Buffer.from(JSON.stringify(at)).toString('base64url');
}

/** The position a cursor names, or null when it is none this server handed out. */
function decodeCursor(cursor: string): readonly [number, number] | null {
  try {
    const at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(at) && at.length === 2 && at.every((n) => typeof n === 'number') ? [at[0] as number, at[1] as number] : null;
  } catch {
    return null;
  }
}
