import { createHash } from 'node:crypto';
import { startFileServer } from '../simulator/files/file-server.ts';
import { bytesOf } from './file-bytes.ts';
import { platformSim, startPlatformServer, type PlatformSim, type PlatformSimOptions, type RateState, type SimAnswer, type SimBudget, type SimRequest } from './sim-server.ts';

/**
 * Zendesk Support's API as the exporter meets it, over real HTTP on 127.0.0.1, seeded by a small
 * generator (tickets, comments by requesters and agents, public and private, files and inline
 * images). Shaped after `/work/shared/samples/zendesk/` (zenpy's recorded incremental export,
 * go-zendesk's comment fixtures) and these documented behaviours:
 *
 * - Incremental ticket export, cursor based: `GET /api/v2/incremental/tickets/cursor.json` with
 *   `start_time` (epoch seconds, items whose `generated_timestamp` is at or after it) or `cursor`,
 *   `per_page` ≤ 1000, `include=users`, `exclude_deleted=true`; answers `tickets`, `after_cursor`,
 *   `after_url`, `end_of_stream`; its own cap of 10 requests a minute, 429 + `Retry-After` beyond.
 *   https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
 *   https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api
 * - List Comments: `GET /api/v2/tickets/{id}/comments(.json)`, cursor pagination `page[size]` ≤ 100,
 *   `page[after]`, `meta.has_more`/`after_cursor`, `links.next`; `include=users` side-loads the
 *   authors; inline images are left out of `attachments` unless `include_inline_images=true`.
 *   https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/
 *   https://developer.zendesk.com/documentation/api-basics/pagination/paginating-through-lists-using-cursor-pagination
 * - Account rate limit: `X-Rate-Limit`/`X-Rate-Limit-Remaining` and `ratelimit-limit`/
 *   `ratelimit-remaining`/`ratelimit-reset` (seconds) on answers, 429 + `Retry-After` (seconds).
 *   https://developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/best-practices-for-avoiding-rate-limiting/
 * - Attachments: `content_url` on the account's host wants the API credential and answers 302 to a
 *   temporary download link on another host (here: the file server's second listener, one use).
 *   https://developer.zendesk.com/documentation/ticketing/managing-tickets/accessing-end-user-uploaded-attachments/
 *
 * Simplifications: comments always page by cursor (no offset pages); the "last minute is left out"
 * rule of incremental exports is not modelled (test changes must show up at once).
 */
export interface ZendeskSimOptions extends PlatformSimOptions {
  /** The API token user: `Authorization: Basic base64("{email}/token:{token}")`. */
  readonly email: string;
  readonly token: string;
  readonly tickets: number;
  /** Ticket i gets 1 + (i mod this) comments. */
  readonly commentsPerTicket: number;
  /** Every Nth comment (over all tickets) carries a file; 0: none. */
  readonly fileEvery?: number;
  /** Every Nth ticket's second comment shows an inline image; 0: none. */
  readonly inlineEvery?: number;
  /** These tickets (by id) are deleted: `status: "deleted"`, comments 404. */
  readonly deleted?: readonly number[];
  /** The incremental export's own cap (documented: 10 a minute). */
  readonly incrementalLimit?: SimBudget;
  /** The incremental export's largest page (documented: 1000); smaller makes paging visible. */
  readonly ticketsPageMax?: number;
  /** List Comments' largest page (documented: 100); smaller makes paging visible with few comments. */
  readonly commentsPageMax?: number;
}

export interface ZendeskUser {
  readonly id: number;
  readonly url: string;
  readonly name: string;
  readonly email: string;
  readonly role: 'end-user' | 'agent';
}

export interface ZendeskAttachment {
  readonly id: number;
  readonly file_name: string;
  readonly content_url: string;
  readonly content_type: string;
  readonly size: number;
  readonly inline: boolean;
  readonly deleted: false;
}

export interface ZendeskComment {
  readonly id: number;
  readonly type: 'Comment';
  readonly author_id: number;
  readonly body: string;
  readonly html_body: string;
  readonly plain_body: string;
  readonly public: boolean;
  readonly created_at: string;
  readonly attachments: readonly ZendeskAttachment[];
  readonly via: { readonly channel: string };
}

export interface ZendeskTicket {
  readonly id: number;
  subject: string;
  status: string;
  readonly requester_id: number;
  readonly created_at: string;
  updated_at: string;
  generated_timestamp: number;
  readonly tags: readonly string[];
  readonly description: string;
  readonly comments: ZendeskComment[];
}

/** `files`: where `content_url`s redirect to (its `temporary` listener). */
export interface ZendeskSim extends PlatformSim {
  /** `http://127.0.0.1:PORT`: the account's host (API and `content_url`s). */
  readonly url: string;
  /** What `--api-url` takes: `${url}/api/v2`. */
  readonly apiUrl: string;
  readonly authorization: string;
  /** The account's data, the ground truth of the tests. */
  readonly tickets: readonly ZendeskTicket[];
  readonly users: ReadonlyMap<number, ZendeskUser>;
  /** Bytes of each file by its `content_url`. */
  readonly fileBytes: ReadonlyMap<string, Buffer>;
  /** 429s answered by the incremental export's own cap. */
  readonly incremental429: number;
  /** A new comment on a ticket (by its requester, with a file): the ticket changes now. */
  addComment(ticketId: number): ZendeskComment;
  /** A new ticket with two comments. */
  addTicket(): ZendeskTicket;
  deleteTicket(ticketId: number): void;
}

const SEED_EPOCH = Date.UTC(2023, 8, 1) / 1000;
const AGENTS = 3;

export async function startZendeskSim(options: ZendeskSimOptions): Promise<ZendeskSim> {
  const authorization = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;
  const files = await startFileServer();
  const tickets: ZendeskTicket[] = [];
  const users = new Map<number, ZendeskUser>();
  const fileBytes = new Map<string, Buffer>();
  const byToken = new Map<string, { readonly name: string; readonly type: string; readonly body: Buffer }>();
  const incrementalWindow = { ...(options.incrementalLimit ?? { requests: 10, windowMs: 60_000 }), start: 0, used: 0 };
  let incremental429 = 0;
  let origin = '';
  let nextCommentId = 1;
  let nextFileId = 1;
  let temporaries = 0;

  const user = (id: number, name: string, email: string, role: ZendeskUser['role']): number => {
    if (!users.has(id)) users.set(id, { id, url: `${origin}/api/v2/users/${id}.json`, name, email, role });
    return id;
  };
  const agent = (n: number): number => user(7001 + (n % AGENTS), `Agent ${1 + (n % AGENTS)}`, `agent${1 + (n % AGENTS)}@acme.example`, 'agent');
  // Two tickets share each customer, so the users file has something to deduplicate.
  const customer = (ticket: number): number => {
    const n = Math.ceil(ticket / 2);
    return user(9000 + n, `Customer ${n}`, `customer${n}@example.com`, 'end-user');
  };

  const file = (name: string, type: string, inline: boolean): ZendeskAttachment => {
    const id = nextFileId++;
    const token = `tok${id}x${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
    const body = bytesOf(name, 300 + ((id * 131) % 2000));
    const content_url = `${origin}/attachments/token/${token}/?name=${encodeURIComponent(name)}`;
    byToken.set(token, { name, type, body });
    fileBytes.set(content_url, body);
    return { id, file_name: name, content_url, content_type: type, size: body.length, inline, deleted: false };
  };

  const comment = (ticket: number, n: number, at: number, requester: number): ZendeskComment => {
    const id = nextCommentId++;
    // Odd comments are the requester's, even ones an agent's; every fourth is an internal note.
    const byRequester = n % 2 === 1;
    const isPublic = byRequester || n % 4 !== 0;
    const text = `Message ${n} of ticket ${ticket} (${byRequester ? 'customer' : isPublic ? 'reply' : 'note'})`;
    const attachments: ZendeskAttachment[] = [];
    let html = `<div class="zd-comment" dir="auto"><p dir="auto">${text}</p>`;
    const fileEvery = options.fileEvery ?? 3;
    if (fileEvery > 0 && id % fileEvery === 0) attachments.push(file(`report-${ticket}-${n}.pdf`, 'application/pdf', false));
    const inlineEvery = options.inlineEvery ?? 4;
    if (inlineEvery > 0 && n === 2 && ticket % inlineEvery === 0) {
      const image = file(`screenshot-${ticket}.png`, 'image/png', true);
      attachments.push(image);
      html += `<p dir="auto"><img src="${image.content_url}" alt="screenshot"></p>`;
    }
    return {
      id,
      type: 'Comment',
      author_id: byRequester ? requester : agent(ticket + n),
      body: text,
      html_body: `${html}</div>`,
      plain_body: text,
      public: isPublic,
      created_at: iso(at),
      attachments,
      via: { channel: byRequester ? 'email' : 'web' },
    };
  };

  /** Now, in whole seconds as Zendesk stamps; changes in one second are ordered by ticket id. */
  const stamp = (): number => Math.floor(Date.now() / 1000);

  const makeTicket = (id: number, createdAt: number, comments: number): ZendeskTicket => {
    const requester = customer(id);
    const list = Array.from({ length: comments }, (_, k) => comment(id, k + 1, createdAt + k * 600, requester));
    const last = createdAt + (comments - 1) * 600;
    return {
      id,
      subject: `Ticket ${id}: printer trouble`,
      status: ['new', 'open', 'pending', 'solved', 'closed'][id % 5] ?? 'open',
      requester_id: requester,
      created_at: iso(createdAt),
      updated_at: iso(last),
      generated_timestamp: last,
      tags: ['sim', `group${id % 3}`],
      description: list[0]?.body ?? '',
      comments: list,
    };
  };

  const handle = (request: SimRequest): SimAnswer => {
    const { path, query } = request;
    if (request.method !== 'GET') return { status: 405, body: { error: 'MethodNotAllowed' } };
    if (path === '/api/v2/incremental/tickets/cursor.json') return incremental(query);
    const comments = /^\/api\/v2\/tickets\/(\d+)\/comments(?:\.json)?$/.exec(path);
    if (comments?.[1] !== undefined) return listComments(Number(comments[1]), query);
    const attachment = /^\/attachments\/token\/([^/]+)\/?$/.exec(path);
    if (attachment?.[1] !== undefined) return download(attachment[1]);
    return notFound();
  };

  const incremental = (query: URLSearchParams): SimAnswer => {
    const now = Date.now();
    if (now >= incrementalWindow.start + incrementalWindow.windowMs) Object.assign(incrementalWindow, { start: now, used: 0 });
    if (incrementalWindow.used >= incrementalWindow.requests) {
      incremental429++;
      const seconds = Math.max(1, Math.ceil((incrementalWindow.start + incrementalWindow.windowMs - now) / 1000));
      return { status: 429, body: { error: 'APIRateLimitExceeded', description: 'Number of allowed incremental export API requests per minute exceeded' }, headers: { 'retry-after': String(seconds) } };
    }
    incrementalWindow.used++;
    const perPage = Math.min(options.ticketsPageMax ?? 1000, positive(query.get('per_page')) ?? 1000);
    const cursor = query.get('cursor');
    const startTime = query.get('start_time');
    let after: readonly [number, number];
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (decoded === undefined) return { status: 400, body: { error: 'InvalidPaginationParameter', description: 'cursor is invalid' } };
      after = decoded;
    } else if (startTime !== null && /^\d+$/.test(startTime)) {
      after = [Number(startTime) - 1, Number.MAX_SAFE_INTEGER];
    } else {
      return { status: 400, body: { error: 'InvalidValue', description: 'start_time or cursor is required' } };
    }
    const excludeDeleted = query.get('exclude_deleted') === 'true';
    const remaining = [...tickets]
      .filter((t) => compare([t.generated_timestamp, t.id], after) > 0 && !(excludeDeleted && t.status === 'deleted'))
      .sort((a, b) => compare([a.generated_timestamp, a.id], [b.generated_timestamp, b.id]));
    const page = remaining.slice(0, perPage);
    const last = page.at(-1);
    const afterCursor = encodeCursor(last === undefined ? after : [last.generated_timestamp, last.id]);
    const body: Record<string, unknown> = {
      tickets: page.map((t) => ticketView(t, origin)),
      after_url: `${origin}/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(afterCursor)}`,
      after_cursor: afterCursor,
      before_url: null,
      before_cursor: null,
      end_of_stream: remaining.length <= perPage,
    };
    if (includes(query, 'users')) body.users = sideload(page.map((t) => t.requester_id));
    return { status: 200, body };
  };

  const listComments = (ticketId: number, query: URLSearchParams): SimAnswer => {
    const ticket = tickets.find((t) => t.id === ticketId);
    if (ticket === undefined || ticket.status === 'deleted') return notFound();
    const size = Math.min(options.commentsPageMax ?? 100, positive(query.get('page[size]')) ?? 100);
    const afterParam = query.get('page[after]');
    const start = afterParam === null ? 0 : decodeOffset(afterParam);
    if (start === undefined) return { status: 400, body: { error: 'InvalidPaginationParameter', description: 'page[after] is invalid' } };
    const inline = query.get('include_inline_images') === 'true';
    const page = ticket.comments.slice(start, start + size).map((c) => (inline ? c : { ...c, attachments: c.attachments.filter((a) => !a.inline) }));
    const end = start + page.length;
    const hasMore = end < ticket.comments.length;
    const afterCursor = hasMore ? encodeOffset(end) : null;
    const next = new URLSearchParams(query);
    if (afterCursor !== null) next.set('page[after]', afterCursor);
    const body: Record<string, unknown> = {
      comments: page,
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: start > 0 ? encodeOffset(start) : null },
      links: { prev: null, next: afterCursor === null ? null : `${origin}/api/v2/tickets/${ticketId}/comments.json?${next.toString()}` },
    };
    if (includes(query, 'users')) body.users = sideload(page.map((c) => c.author_id));
    return { status: 200, body };
  };

  const download = (token: string): SimAnswer => {
    const found = byToken.get(token);
    if (found === undefined) return notFound();
    // A fresh one-use link on the other listener, as Zendesk's temporary download URLs.
    const path = `/download/${++temporaries}/${encodeURIComponent(found.name)}`;
    files.route(path, { body: found.body, contentType: found.type, uses: 1 }, 'temporary');
    return { redirect: `${files.temporaryUrl}${path}` };
  };

  const sideload = (ids: readonly number[]): ZendeskUser[] => [...new Set(ids)].flatMap((id) => users.get(id) ?? []);

  // Zendesk plans allow 200–2500 a minute.
  const server = await startPlatformServer(handle, options, { authorization, limit: { requests: 700, windowMs: 60_000 }, rateHeaders: zendeskRateHeaders });
  origin = server.url;
  const deleted = new Set(options.deleted ?? []);
  for (let id = 1; id <= options.tickets; id++) {
    const ticket = makeTicket(id, SEED_EPOCH + id * 3600, 1 + (id % Math.max(1, options.commentsPerTicket)));
    if (deleted.has(id)) ticket.status = 'deleted';
    tickets.push(ticket);
  }

  return {
    url: origin,
    apiUrl: `${origin}/api/v2`,
    authorization,
    ...platformSim(server, files),
    tickets,
    users,
    fileBytes,
    get incremental429() {
      return incremental429;
    },
    addComment(ticketId) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (ticket === undefined) throw new Error(`no ticket ${ticketId} in the simulator`);
      const at = stamp();
      const added = comment(ticket.id, ticket.comments.length + 1, at, ticket.requester_id);
      const withFile = { ...added, attachments: [...added.attachments, file(`follow-up-${ticket.id}-${added.id}.txt`, 'text/plain', false)] };
      ticket.comments.push(withFile);
      touch(ticket, at);
      return withFile;
    },
    addTicket() {
      const at = stamp();
      // Opened ten minutes ago, answered now: nothing dated in the future.
      const ticket = makeTicket(tickets.length + 1, at - 600, 2);
      tickets.push(ticket);
      return ticket;
    },
    deleteTicket(ticketId) {
      const ticket = tickets.find((t) => t.id === ticketId);
      if (ticket === undefined) throw new Error(`no ticket ${ticketId} in the simulator`);
      ticket.status = 'deleted';
      touch(ticket, stamp());
    },
  };
}

/** Zendesk's account-wide headers on every answer, `Retry-After` on the 429 (all in seconds). */
function zendeskRateHeaders(state: RateState): Record<string, string> {
  const seconds = String(Math.max(1, Math.ceil((state.resetAtMs - state.now) / 1000)));
  const headers: Record<string, string> = {
    'x-rate-limit': String(state.limit),
    'x-rate-limit-remaining': String(state.remaining),
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': seconds,
  };
  if (state.limited) headers['retry-after'] = seconds;
  return headers;
}

/** What the incremental export shows of a ticket: no comments (they are another endpoint). */
function ticketView(ticket: ZendeskTicket, origin: string): Record<string, unknown> {
  const { comments, ...rest } = ticket;
  return { url: `${origin}/api/v2/tickets/${ticket.id}.json`, ...rest, via: { channel: 'email' }, submitter_id: ticket.requester_id };
}

function touch(ticket: ZendeskTicket, at: number): void {
  ticket.updated_at = iso(at);
  ticket.generated_timestamp = at;
}

function includes(query: URLSearchParams, what: string): boolean {
  return (query.get('include') ?? '').split(',').includes(what);
}

function notFound(): SimAnswer {
  return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
}

function compare(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

function encodeCursor([at, id]: readonly [number, number]): string {
  return Buffer.from(`${at}.0||${id}|`).toString('base64');
}

/** Zendesk's cursors look like base64 of `1707271741.0||4045|`: time and id of the last item. */
function decodeCursor(cursor: string): readonly [number, number] | undefined {
  const m = /^(\d+)\.0\|\|(\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString());
  return m?.[1] === undefined || m[2] === undefined ? undefined : [Number(m[1]), Number(m[2])];
}

function encodeOffset(offset: number): string {
  return Buffer.from(`o${offset}`).toString('base64url');
}

function decodeOffset(cursor: string): number | undefined {
  const m = /^o(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function positive(value: string | null): number | undefined {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
