import { ConfigError } from '../core/errors.ts';
import { remoteLinksOf } from '../mapper/remote-attachments.ts';
import { normaliseAttachments } from '../readers/attachment-normalise.ts';
import { asArray, asObject, asText, type JsonObject } from '../readers/presets/json-value.ts';
import { idsWritten } from './export-files.ts';
import { fetchAhead, sentAhead, type Fetched } from './fetch-ahead.ts';
import { apiBaseUrl, type CursorValue, type ExportBatch, type ExportRecord, type PlatformExport, type PlatformFactory, type RateHeaders, type SourceHttp, type SourceResponse, type WalkOptions } from './platform.ts';

/**
 * Freshdesk API v2: the ticket list by `updated_since`, oldest change first, then each ticket's
 * conversations, written as the `freshdesk` preset reads them: one ticket a line, as
 * `GET /api/v2/tickets/{id}?include=conversations,requester` shapes it (`description`,
 * `requester`, every conversation in `conversations[]`).
 *
 * - https://developer.freshdesk.com/api/#authentication (`Authorization: Basic base64("{key}:X")`)
 * - https://developer.freshdesk.com/api/#list_all_tickets (`updated_since`, `order_by=updated_at`,
 *   `order_type=asc`; `include=requester,description` — the list carries no description otherwise;
 *   without `updated_since` only the last 30 days; at most 300 pages, i.e. 30,000 tickets)
 * - https://developer.freshdesk.com/api/#list_all_ticket_notes (`GET /api/v2/tickets/{id}/conversations`)
 * - https://developer.freshdesk.com/api/#pagination (`page`, `per_page` ≤ 100, a `link: <…>; rel="next"`
 *   header while more pages follow)
 * - https://developer.freshdesk.com/api/#ratelimit (`X-RateLimit-Total`, `X-RateLimit-Remaining`,
 *   `X-RateLimit-Used-CurrentRequest` per minute; a 429 carries `Retry-After` in seconds)
 * - https://developer.freshdesk.com/api/#attachments (attachment_url: presigned, expires; no credential)
 *
 * Paging past the 300-page cap: every page asks again from the last ticket's `updated_at` at
 * page 1, so the list never goes deeper than the tickets sharing one second, and an update during
 * the export (which moves a ticket to the end of the list) cannot shift an unread ticket onto a
 * page already read. Tickets already written (ties on that second, or a ticket met again after an
 * update) are skipped by id; after a kill the ids come back from the file the runner truncated.
 */
export const freshdeskExport: PlatformFactory = (env, apiUrl) => freshdeskPlatform(freshdeskSettings(env, apiUrl));

export const TICKETS_FILE = 'tickets.jsonl';

export interface FreshdeskSettings {
  readonly baseUrl: string;
  readonly authorization: string;
  /** Hosts whose inline images are fetched too: the account's own. */
  readonly hosts: readonly string[];
  /** Pages the ticket list serves (documented: 300). */
  readonly maxPages?: number;
  /** The rate window when only a 429 says when it ends (documented: a minute). */
  readonly windowMs?: number;
}

const ENV_NAMES = ['FRESHDESK_DOMAIN', 'FRESHDESK_API_KEY'] as const;
const PER_PAGE = 100;
const MAX_PAGES = 300;
/** Tickets whose conversations are fetched ahead of the one being written (the client paces them all). */
const PREFETCH = 16;
/** The list serves only 30 days without `updated_since`: the whole history starts here. */
const BEGINNING = '1970-01-01T00:00:00Z';
/** Where Freshdesk's presigned attachment and inline-image links point (the sample's `attachment_url`); no credential goes there. */
const ATTACHMENT_HOSTS = ['cdn.freshdesk.com', 'attachment.freshdesk.com', 's3.amazonaws.com'];

/** The settings from the environment: every missing variable named at once, no value echoed. */
export function freshdeskSettings(env: Readonly<Record<string, string | undefined>>, apiUrl: string | undefined): FreshdeskSettings {
  const missing = ENV_NAMES.filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: not set (the Freshdesk export needs ${ENV_NAMES.join(' and ')})`));
  const domain = (env.FRESHDESK_DOMAIN ?? '').trim().toLowerCase().replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (!/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*$/.test(domain)) {
    throw new ConfigError(['FRESHDESK_DOMAIN: expected the account name (acme) or its host (acme.freshdesk.com)']);
  }
  const host = domain.includes('.') ? domain : `${domain}.freshdesk.com`;
  const baseUrl = apiBaseUrl(apiUrl, `https://${host}/api/v2`);
  return {
    baseUrl,
    authorization: `Basic ${Buffer.from(`${(env.FRESHDESK_API_KEY ?? '').trim()}:X`).toString('base64')}`,
    hosts: [new URL(baseUrl).hostname],
  };
}

export function freshdeskPlatform(settings: FreshdeskSettings): PlatformExport {
  const hosts = [...settings.hosts, ...ATTACHMENT_HOSTS];
  return {
    platform: 'freshdesk',
    files: [TICKETS_FILE],
    rateHeaders: { ...freshdeskRateHeaders, windowMs: settings.windowMs ?? 60_000 },
    baseUrl: settings.baseUrl,
    authorization: settings.authorization,
    attachmentHosts: hosts,
    attachmentsNeedAuth: false,
    walk: (http, options) => walk(http, options, hosts, settings.maxPages ?? MAX_PAGES),
    importSource: () => ({ format: 'freshdesk', path: TICKETS_FILE }),
  };
}

/** https://developer.freshdesk.com/api/#ratelimit: the budget left this minute; a 429's `Retry-After` (seconds). */
export const freshdeskRateHeaders: RateHeaders = {
  remaining(headers) {
    return count(headers['x-ratelimit-remaining']);
  },
  resetInMs(headers) {
    const seconds = count(headers['retry-after']);
    return seconds === undefined ? undefined : seconds * 1000;
  },
};

/**
 * The list page to read: changed at or after `since`, `page` > 1 only among tickets of one second;
 * `skip`: tickets that page lists which are already written (ties on `since`, or the part of the
 * page written before a kill), so the cursor alone resumes without a duplicate.
 */
interface Position {
  readonly since: string;
  readonly page: number;
  readonly skip: readonly string[];
}
type Cursor = Position | { readonly done: true };

/** One ticket the list gave (or none, for a page with nothing new) and where the walk stands after it. */
interface Step {
  readonly ticket: JsonObject | undefined;
  readonly cursor: Cursor;
  /** The page's warnings, on its last step. */
  readonly warnings: readonly string[];
}

async function* walk(http: SourceHttp, options: WalkOptions, hosts: readonly string[], maxPages: number): AsyncGenerator<ExportBatch> {
  const at = resumePoint(options.from, options.since);
  if ('done' in at) return;
  const written = await idsWritten(options.written, TICKETS_FILE);
  const conversations = async (step: Step): Promise<JsonObject[] | undefined> => (step.ticket === undefined ? [] : conversationsOf(http, ticketId(step.ticket)));
  for await (const group of fetchAhead(steps(http, at, written, maxPages, options.signal), PREFETCH, conversations)) {
    yield batchOf(group, hosts);
  }
}

/**
 * The list walk, a step per new ticket. `listed` holds every ticket written or on its way (ties
 * on a second, or a ticket met again after an update, are skipped by id); the next list page is
 * asked for as soon as this one is in, since where it starts depends on this page alone.
 */
async function* steps(http: SourceHttp, from: Position, listed: Set<string>, maxPages: number, signal: AbortSignal): AsyncGenerator<Step> {
  let at = from;
  let page = listPage(http, at);
  for (;;) {
    signal.throwIfAborted();
    const tickets = await page;
    const { next, warnings } = nextPosition(at, tickets, maxPages);
    if (!('done' in next)) page = sentAhead(listPage(http, next));
    const skip = new Set(at.skip);
    const fresh = tickets.tickets.filter((t) => !listed.has(ticketId(t)) && !skip.has(ticketId(t)));
    // Nothing new on this page (ties already written): the step still moves the cursor on.
    if (fresh.length === 0) yield { ticket: undefined, cursor: next, warnings };
    const done = [...at.skip];
    for (const [i, ticket] of fresh.entries()) {
      signal.throwIfAborted();
      const last = i === fresh.length - 1;
      listed.add(ticketId(ticket));
      done.push(ticketId(ticket));
      // Mid-page, a resume reads this page again and skips what is written.
      yield { ticket, cursor: last ? next : { ...at, skip: [...done] }, warnings: last ? warnings : [] };
    }
    if ('done' in next) return;
    at = next;
  }
}

interface ListedPage {
  readonly tickets: readonly JsonObject[];
  readonly hasNext: boolean;
}

async function listPage(http: SourceHttp, at: Position): Promise<ListedPage> {
  const response = await http.get('tickets', {
    updated_since: at.since,
    order_by: 'updated_at',
    order_type: 'asc',
    per_page: PER_PAGE,
    page: at.page,
    include: 'requester,description',
  });
  const tickets = asArray(okBody(response, 'GET /api/v2/tickets')).map((value) => {
    const ticket = asObject(value);
    if (ticket === undefined || asText(ticket.id) === undefined || updatedAt(ticket) === undefined) {
      throw new Error(`Freshdesk GET /api/v2/tickets: a ticket without id or updated_at: ${JSON.stringify(value).slice(0, 200)}`);
    }
    return ticket;
  });
  return { tickets, hasNext: hasNextLink(response) };
}

/**
 * After this page: from the last ticket's second at page 1; if the whole page is one second, the
 * next page of that second; past the cap within one second, the tickets beyond it cannot be
 * listed at all — said in a warning, and the walk goes on at the next second.
 */
function nextPosition(at: Position, page: ListedPage, maxPages: number): { next: Cursor; warnings: string[] } {
  const lastTicket = page.tickets.at(-1);
  if (!page.hasNext || lastTicket === undefined) return { next: { done: true }, warnings: [] };
  const last = updatedAt(lastTicket) ?? at.since;
  // ISO seconds in UTC compare as text; going back would loop.
  if (last < at.since) throw new Error(`Freshdesk listed a ticket updated at ${last} after asking from ${at.since}: not the documented updated_at order`);
  if (last !== at.since) {
    const ties = page.tickets.filter((t) => updatedAt(t) === last).map(ticketId);
    return { next: { since: last, page: 1, skip: ties }, warnings: [] };
  }
  if (at.page < maxPages) return { next: { since: at.since, page: at.page + 1, skip: [] }, warnings: [] };
  const after = new Date(Date.parse(at.since) + 1000).toISOString().replace('.000Z', 'Z');
  return {
    next: { since: after, page: 1, skip: [] },
    warnings: [
      `Freshdesk lists at most ${maxPages} pages of ${PER_PAGE}: more than ${maxPages * PER_PAGE} tickets were last updated at ${at.since}, ` +
        `those past the first ${maxPages * PER_PAGE} are not in this export (update them, or export them one by one, to bring them)`,
    ],
  };
}

/** Every page of a ticket's conversations, oldest first; undefined on a 404 (deleted or marked spam since the list named it). */
async function conversationsOf(http: SourceHttp, id: string): Promise<JsonObject[] | undefined> {
  const conversations: JsonObject[] = [];
  for (let page = 1; ; page++) {
    const response = await http.get(`tickets/${id}/conversations`, { per_page: PER_PAGE, page });
    if (response.status === 404) return undefined;
    for (const value of asArray(okBody(response, `GET /api/v2/tickets/${id}/conversations`))) {
      const conversation = asObject(value);
      if (conversation !== undefined) conversations.push(conversation);
    }
    if (!hasNextLink(response)) return conversations;
  }
}

/** Steps in the walk's order with their conversations, as one batch: a line per ticket still there, the cursor after the last. */
function batchOf(group: readonly Fetched<Step, JsonObject[] | undefined>[], hosts: readonly string[]): ExportBatch {
  const records: ExportRecord[] = [];
  const links = new Set<string>();
  const linksOf = (attachments: unknown, html: unknown): void => {
    const body = asText(html);
    for (const { link } of remoteLinksOf(normaliseAttachments(attachments), body ?? '', body !== undefined, hosts)) links.add(link);
  };
  let messages = 0;
  for (const { item: { ticket }, result: conversations } of group) {
    if (ticket === undefined || conversations === undefined) continue;
    linksOf(ticket.attachments, ticket.description);
    for (const c of conversations) linksOf(c.attachments, c.body);
    const hasDescription = asText(ticket.description) !== undefined || asText(ticket.description_text) !== undefined;
    records.push({ file: TICKETS_FILE, value: { ...ticket, conversations } });
    messages += conversations.length + (hasDescription ? 1 : 0);
  }
  const warnings = group.flatMap(({ item }) => item.warnings);
  const cursor = group.at(-1)?.item.cursor ?? { done: true };
  return { records, links: [...links], cursor: cursorValue(cursor), tickets: records.length, messages, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** The JSON array a list answers, or an error naming the path and Freshdesk's own words (never a header). */
function okBody(response: SourceResponse, where: string): readonly unknown[] {
  if (response.status === 200 && Array.isArray(response.body)) return response.body;
  const body = asObject(response.body);
  const errors = asArray(body?.errors)
    .map((e) => [asText(asObject(e)?.field), asText(asObject(e)?.message)].filter((s) => s !== undefined).join(': '))
    .join('; ');
  const detail = [asText(body?.description) ?? asText(body?.message), errors].filter((s) => s !== undefined && s !== '').join(': ');
  throw new Error(`Freshdesk ${where}: HTTP ${response.status}: ${(detail === '' ? 'not the documented JSON array' : detail).slice(0, 300)}`);
}

function hasNextLink(response: SourceResponse): boolean {
  return /rel="?next"?/.test(response.headers.link ?? '');
}

function ticketId(ticket: JsonObject): string {
  return asText(ticket.id) ?? '';
}

/** `updated_at` normalised to whole seconds in UTC, as `updated_since` takes it. */
function updatedAt(ticket: JsonObject): string | undefined {
  const ms = Date.parse(asText(ticket.updated_at) ?? '');
  return Number.isNaN(ms) ? undefined : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function resumePoint(from: CursorValue | undefined, since: Date | undefined): Cursor {
  if (from === undefined) return { since: since === undefined ? BEGINNING : new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'), page: 1, skip: [] };
  const saved = asObject(from);
  if (saved?.done === true) return { done: true };
  const skip = saved?.skip;
  const validSkip = Array.isArray(skip) && skip.every((id) => typeof id === 'string');
  if (typeof saved?.since === 'string' && !Number.isNaN(Date.parse(saved.since)) && typeof saved.page === 'number' && Number.isInteger(saved.page) && saved.page >= 1 && validSkip) {
    return { since: saved.since, page: saved.page, skip };
  }
  throw new Error(`the saved Freshdesk export cursor is not one this version writes: ${JSON.stringify(from).slice(0, 200)}`);
}

function cursorValue(cursor: Cursor): CursorValue {
  return 'done' in cursor ? { done: true } : { since: cursor.since, page: cursor.page, skip: cursor.skip };
}

function count(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
