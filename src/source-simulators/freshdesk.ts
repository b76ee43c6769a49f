import { startFileServer } from '../simulator/files/file-server.ts';
import { platformSim, startPlatformServer, type PlatformSim, type PlatformSimOptions, type RateState, type SimAnswer, type SimRequest } from './sim-server.ts';

/**
 * Freshdesk's API v2 as the exporter meets it, over real HTTP on 127.0.0.1: the ticket list by
 * `updated_since` with its page cap, each ticket's conversations, Basic auth with the API key,
 * the per-minute budget in `X-RateLimit-*` headers and a 429 with `Retry-After`, and attachment
 * links that are presigned, minted afresh in every answer, and expire after a few uses.
 * Shares no code with the exporter (lint wall).
 *
 * Documented behaviour copied here (https://developer.freshdesk.com/api/):
 * - #pagination: `page` (1-based) and `per_page` (default 30, at most 100); a `link` header
 *   `<…>; rel="next"` while there are more pages.
 * - #list_all_tickets: without `updated_since`, only tickets created in the past 30 days;
 *   `order_by` created_at|due_by|updated_at|status (default created_at), `order_type` asc|desc
 *   (default desc); `include=requester` embeds the requester, `include=description` the
 *   description (it is not in the list otherwise); at most 300 pages are served.
 * - #list_all_ticket_notes: `GET /api/v2/tickets/{id}/conversations`, oldest first, paged.
 * - #ratelimit: `X-RateLimit-Total`, `X-RateLimit-Remaining`, `X-RateLimit-Used-CurrentRequest`
 *   on every answer; 429 with `Retry-After` (seconds).
 * - #error: 400 `{"description":"Validation failed","errors":[{field,message,code}]}`.
 */
export interface FreshdeskSeed {
  readonly tickets: number;
  /** Conversations of the i-th ticket (0-based); default `i % 4`. */
  readonly conversations?: (index: number) => number;
  /** How many consecutive tickets share one `updated_at` second (ties the walk must not lose). */
  readonly perSecond?: number;
  /** Every Nth message (description or conversation) carries a file; 0 for none. Default 3. */
  readonly attachmentEvery?: number;
  /** Every Nth message body holds an inline image; 0 for none. Default 5. */
  readonly inlineImageEvery?: number;
}

export interface FreshdeskSimOptions extends PlatformSimOptions {
  readonly apiKey: string;
  readonly seed: FreshdeskSeed;
  /** Pages the ticket list serves (Freshdesk: 300); a deeper page is a 400. */
  readonly pageLimit?: number;
  /** Downloads each minted attachment link allows before it answers 403 (expired). */
  readonly linkUses?: number;
}

/** A message as the simulator holds it, for tests to compare what arrived. */
export interface SimMessage {
  readonly ticket: number;
  /** `description`, or the conversation id. */
  readonly id: string;
  readonly html: string;
  readonly files: readonly SimFile[];
}

export interface SimFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface FreshdeskSim extends PlatformSim {
  /** The API base, `http://127.0.0.1:PORT/api/v2` (what `--api-url` takes). */
  readonly apiUrl: string;
  /** Every message, description first, in ticket order. */
  messages(): SimMessage[];
  /** An agent replies now: a new conversation, the ticket's `updated_at` moves to now. */
  reply(ticket: number): void;
  /** A customer opens a new ticket now; returns its id. */
  openTicket(): number;
}

interface Contact {
  readonly id: number;
  readonly name: string;
  readonly email: string;
}

interface Conversation {
  readonly id: number;
  readonly body: string;
  readonly incoming: boolean;
  readonly private: boolean;
  readonly userId: number;
  readonly createdAt: number;
  readonly files: readonly SimFile[];
  readonly inline: string | undefined;
}

interface Ticket {
  readonly id: number;
  readonly requester: Contact;
  readonly createdAt: number;
  updatedAt: number;
  readonly status: number;
  readonly description: string;
  readonly files: readonly SimFile[];
  readonly inline: string | undefined;
  readonly conversations: Conversation[];
}

const AGENT_ID = 9001;
const AGENT_FROM = 'Ada Agent <ada@example.com>';
/** Seeded history starts here (epoch seconds), one ticket a minute. */
const BASE = Date.UTC(2019, 0, 1) / 1000;

export async function startFreshdeskSim(options: FreshdeskSimOptions): Promise<FreshdeskSim> {
  const files = await startFileServer();
  const pageLimit = options.pageLimit ?? 300;
  const linkUses = options.linkUses ?? 2;
  const seed = options.seed;
  const attachmentEvery = seed.attachmentEvery ?? 3;
  const inlineEvery = seed.inlineImageEvery ?? 5;
  const tickets = new Map<number, Ticket>();
  let messageCount = 0;
  let conversationIds = 0;
  let mints = 0;

  const fileFor = (key: string): SimFile[] => {
    messageCount++;
    if (attachmentEvery === 0 || messageCount % attachmentEvery !== 0) return [];
    // Bytes unique per message, so a mix-up between two files shows.
    return [{ name: `${key}.bin`, contentType: 'application/octet-stream', body: Buffer.from(`file of ${key} `.repeat(40 + (messageCount % 7))) }];
  };
  const inlineFor = (key: string): string | undefined => (inlineEvery !== 0 && messageCount % inlineEvery === 0 ? `${key}.png` : undefined);

  const addConversation = (ticket: Ticket, at: number): void => {
    const id = ++conversationIds;
    const key = `t${ticket.id}-c${id}`;
    const filesOf = fileFor(key);
    const incoming = id % 3 === 1;
    ticket.conversations.push({ id, body: `Conversation ${id} of ticket ${ticket.id}`, incoming, private: id % 5 === 0, userId: incoming ? ticket.requester.id : AGENT_ID, createdAt: at, files: filesOf, inline: inlineFor(key) });
  };

  const addTicket = (index: number, createdAt: number, updatedAt: number): Ticket => {
    const id = index + 1;
    const key = `t${id}-d`;
    const ticket: Ticket = {
      id,
      requester: { id: 100_000 + id, name: `Customer ${id}`, email: `customer${id}@example.com` },
      createdAt,
      updatedAt,
      status: 2 + (id % 4),
      description: `Description of ticket ${id}`,
      files: fileFor(key),
      inline: inlineFor(key),
      conversations: [],
    };
    tickets.set(id, ticket);
    const count = seed.conversations?.(index) ?? index % 4;
    for (let c = 0; c < count; c++) addConversation(ticket, createdAt + c + 1);
    return ticket;
  };

  const perSecond = seed.perSecond ?? 1;
  for (let i = 0; i < seed.tickets; i++) {
    const createdAt = BASE + i * 60;
    // Ties: groups of `perSecond` tickets were last updated in the same second.
    addTicket(i, createdAt, BASE + 3600 + Math.floor(i / perSecond) * 60 + 30);
  }

  const server = await startPlatformServer((request) => answer(request), options, {
    authorization: `Basic ${Buffer.from(`${options.apiKey}:X`).toString('base64')}`,
    limit: { requests: 1_000_000, windowMs: 60_000 },
    rateHeaders,
  });
  const apiUrl = `${server.url}/api/v2`;

  /** A presigned link, minted for this answer only (as S3 signs one per API response). */
  const mint = (file: SimFile): string => {
    const path = `/data/helpdesk/attachments/production/${++mints}/original/${file.name}`;
    files.route(path, { body: file.body, contentType: file.contentType, uses: linkUses });
    return `${files.url}${path}?X-Amz-Expires=86400&X-Amz-Signature=sig${mints}`;
  };
  const attachmentsJson = (list: readonly SimFile[], at: number): unknown[] =>
    list.map((file) => {
      const url = mint(file);
      return { id: mints, name: file.name, content_type: file.contentType, size: file.body.length, attachment_url: url, created_at: iso(at), updated_at: iso(at) };
    });
  const bodyHtml = (text: string, inline: string | undefined): string => {
    if (inline === undefined) return `<div>${text}</div>`;
    const path = `/inline/${inline}`;
    files.route(path, { body: Buffer.from(`image ${inline}`), contentType: 'image/png', uses: linkUses });
    return `<div>${text}<img src="${files.url}${path}" alt="${inline}"></div>`;
  };

  const ticketJson = (t: Ticket, include: ReadonlySet<string>): Record<string, unknown> => ({
    id: t.id,
    subject: `Ticket ${t.id}`,
    status: t.status,
    priority: 1,
    source: 1,
    type: 'Question',
    requester_id: t.requester.id,
    responder_id: AGENT_ID,
    tags: [`tag${t.id % 3}`],
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    attachments: attachmentsJson(t.files, t.createdAt),
    ...(include.has('description') ? { description: bodyHtml(t.description, t.inline), description_text: t.description } : {}),
    ...(include.has('requester') ? { requester: { id: t.requester.id, name: t.requester.name, email: t.requester.email, mobile: null, phone: null } } : {}),
  });

  const conversationJson = (t: Ticket, c: Conversation): Record<string, unknown> => ({
    id: c.id,
    body: bodyHtml(c.body, c.inline),
    body_text: c.body,
    incoming: c.incoming,
    private: c.private,
    user_id: c.userId,
    ticket_id: t.id,
    source: c.private ? 2 : 0,
    // As in Freshdesk's own sample: a reply names its sender, a private note none.
    from_email: c.incoming ? `${t.requester.name} <${t.requester.email}>` : c.private ? null : AGENT_FROM,
    to_emails: [],
    created_at: iso(c.createdAt),
    updated_at: iso(c.createdAt),
    attachments: attachmentsJson(c.files, c.createdAt),
  });

  function answer(request: SimRequest): SimAnswer {
    if (request.method !== 'GET') return { status: 405, body: { description: 'Method not allowed' } };
    const paging = pagingOf(request.query);
    if ('invalid' in paging) return paging.invalid;
    if (request.path === '/api/v2/tickets') return listTickets(request.query, paging);
    const match = /^\/api\/v2\/tickets\/(\d+)\/conversations$/.exec(request.path);
    if (match !== null) {
      const ticket = tickets.get(Number(match[1]));
      if (ticket === undefined) return { status: 404, body: { code: 'access_denied', message: 'ticket not found' } };
      return page(request, paging, ticket.conversations.map((c) => () => conversationJson(ticket, c)));
    }
    return { status: 404, body: { description: 'no such route' } };
  }

  function listTickets(query: URLSearchParams, paging: Paging): SimAnswer {
    if (paging.page > pageLimit) return invalid('page', `It should be a Positive Number less than or equal to ${pageLimit}`);
    const orderBy = query.get('order_by') ?? 'created_at';
    if (orderBy !== 'created_at' && orderBy !== 'updated_at') return invalid('order_by', 'It should be one of these values: \'created_at,updated_at\'');
    const since = query.get('updated_since');
    const from = since === null ? Date.now() / 1000 - 30 * 86_400 : Date.parse(since) / 1000;
    if (Number.isNaN(from)) return invalid('updated_since', 'It should be in the \'valid date\' format');
    const include = new Set((query.get('include') ?? '').split(',').filter((s) => s !== ''));
    const key = (t: Ticket): number => (orderBy === 'updated_at' ? t.updatedAt : t.createdAt);
    const chosen = [...tickets.values()].filter((t) => (since === null ? t.createdAt >= from : t.updatedAt >= from));
    const sign = query.get('order_type') === 'asc' ? 1 : -1;
    // Ties in one second come in id order: stable, as a database index would serve them.
    chosen.sort((a, b) => sign * (key(a) - key(b)) || a.id - b.id);
    return page({ path: '/api/v2/tickets', query }, paging, chosen.map((t) => () => ticketJson(t, include)));
  }

  /** One page; links are minted only for the records served. */
  function page(request: Pick<SimRequest, 'path' | 'query'>, paging: Paging, all: readonly (() => Record<string, unknown>)[]): SimAnswer {
    const start = (paging.page - 1) * paging.perPage;
    const body = all.slice(start, start + paging.perPage).map((make) => make());
    const headers: Record<string, string> = {};
    if (start + paging.perPage < all.length) {
      const next = new URLSearchParams(request.query);
      next.set('page', String(paging.page + 1));
      headers.link = `<${server.url}${request.path}?${next.toString()}>; rel="next"`;
    }
    return { status: 200, body, headers };
  }

  return {
    apiUrl,
    ...platformSim(server, files),
    messages() {
      const out: SimMessage[] = [];
      for (const t of tickets.values()) {
        out.push({ ticket: t.id, id: 'description', html: t.description, files: t.files });
        for (const c of t.conversations) out.push({ ticket: t.id, id: String(c.id), html: c.body, files: c.files });
      }
      return out;
    },
    reply(id) {
      const ticket = tickets.get(id);
      if (ticket === undefined) throw new Error(`no ticket ${id}`);
      ticket.updatedAt = nowSeconds();
      addConversation(ticket, ticket.updatedAt);
    },
    openTicket() {
      const now = nowSeconds();
      // Opened a minute ago, its conversations since: nothing in the future.
      return addTicket(tickets.size, now - 60, now).id;
    },
  };
}

interface Paging {
  readonly page: number;
  readonly perPage: number;
}

function pagingOf(query: URLSearchParams): Paging | { readonly invalid: SimAnswer } {
  const page = Number(query.get('page') ?? '1');
  const perPage = Number(query.get('per_page') ?? '30');
  if (!Number.isInteger(page) || page < 1) return { invalid: invalid('page', 'It should be a Positive Number') };
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return { invalid: invalid('per_page', 'It should be a Positive Number less than or equal to 100') };
  return { page, perPage };
}

function invalid(field: string, message: string): SimAnswer {
  return { status: 400, body: { description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] } };
}

function rateHeaders(state: RateState): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ratelimit-total': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-used-currentrequest': '1',
  };
  if (state.limited) headers['retry-after'] = String(Math.max(1, Math.ceil((state.resetAtMs - state.now) / 1000)));
  return headers;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
