import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../core/errors.ts';
import { remoteLinksOf } from '../mapper/remote-attachments.ts';
import { normaliseAttachments } from '../readers/attachment-normalise.ts';
import { asArray, asObject, asText, type JsonObject } from '../readers/presets/json-value.ts';
import { idsWritten } from './export-files.ts';
import { fetchAhead, sentAhead } from './fetch-ahead.ts';
import { apiBaseUrl, type CursorValue, type ExportBatch, type ExportRecord, type PlatformExport, type PlatformFactory, type RateHeaders, type SourceHttp, type WalkOptions } from './platform.ts';

/**
 * Zendesk Support: the cursor-based incremental ticket export, then each ticket's comments with
 * their authors side-loaded, written as the Admin Center JSON export the `zendesk` preset reads:
 * one ticket a line with `comments[]` and `requester{id,name,email}`, plus a users file.
 *
 * - https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
 *   (`GET /api/v2/incremental/tickets/cursor.json`: `start_time` then `cursor`, `per_page` ≤ 1000,
 *   `end_of_stream`, `exclude_deleted`, side-loads by `include`; 10 requests a minute)
 * - https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/ (List Comments:
 *   `page[size]` ≤ 100, `page[after]`, `meta.has_more`/`after_cursor`; `include=users`;
 *   `include_inline_images=true` lists inline images among the attachments)
 * - https://support.zendesk.com/hc/en-us/articles/4408831452954 (API token:
 *   `Authorization: Basic {base-64-encoded email_address/token:api_token}`)
 *
 * Deleted tickets (`status: "deleted"`) are left out (`exclude_deleted=true`, and skipped should one
 * come anyway): the preset knows no such status and would import a deleted ticket's description as
 * a live conversation, and List Comments answers 404 for it.
 */
export const zendeskExport: PlatformFactory = (env, apiUrl) => zendeskPlatform(zendeskSettings(env, apiUrl));

export const TICKETS_FILE = 'tickets.jsonl';
export const USERS_FILE = 'users.jsonl';

export interface ZendeskSettings {
  readonly baseUrl: string;
  readonly authorization: string;
  /** The incremental export's own cap; documented 10 a minute (30 with the High Volume add-on). */
  readonly incrementalCap: Cap;
  /** Tickets per saved step: fewer fsyncs; a kill fetches at most this many again. */
  readonly ticketsPerBatch?: number;
}

const ENV_NAMES = ['ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const;
const INCREMENTAL = 'incremental/tickets/cursor.json';
const DOCUMENTED_INCREMENTAL_PER_MINUTE = 10;
const TICKETS_PER_PAGE = 1000;
const COMMENTS_PER_PAGE = 100;
/** Tickets whose comments are fetched ahead of the one being written. */
const PREFETCH = 16;

/** The settings from the environment: every missing variable named at once, no value ever echoed. */
export function zendeskSettings(env: Readonly<Record<string, string | undefined>>, apiUrl: string | undefined): ZendeskSettings {
  const missing = ENV_NAMES.filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: not set (the Zendesk export needs ${ENV_NAMES.join(', ')})`));
  const subdomain = (env.ZENDESK_SUBDOMAIN ?? '').trim();
  if (apiUrl === undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(subdomain)) {
    throw new ConfigError(['ZENDESK_SUBDOMAIN: expected the account name only, as in https://{subdomain}.zendesk.com (letters, digits, dashes)']);
  }
  const baseUrl = apiBaseUrl(apiUrl, `https://${subdomain}.zendesk.com/api/v2`);
  const credential = `${(env.ZENDESK_EMAIL ?? '').trim()}/token:${(env.ZENDESK_API_TOKEN ?? '').trim()}`;
  return {
    baseUrl,
    authorization: `Basic ${Buffer.from(credential).toString('base64')}`,
    incrementalCap: { requests: incrementalPerMinute(env.ZENDESK_INCREMENTAL_PER_MINUTE), windowMs: 60_000 },
  };
}

/**
 * The incremental export's cap a minute: documented 10, 30 with the High Volume API add-on
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#rate-limits);
 * an account that has it says so in ZENDESK_INCREMENTAL_PER_MINUTE.
 */
function incrementalPerMinute(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DOCUMENTED_INCREMENTAL_PER_MINUTE;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError([`ZENDESK_INCREMENTAL_PER_MINUTE: expected a whole number of requests a minute (10 by default, 30 with the High Volume API add-on), got ${JSON.stringify(raw)}`]);
  return n;
}

export function zendeskPlatform(settings: ZendeskSettings): PlatformExport {
  const hosts = [new URL(settings.baseUrl).hostname.toLowerCase()];
  return {
    platform: 'zendesk',
    files: [TICKETS_FILE, USERS_FILE],
    rateHeaders: zendeskRateHeaders,
    baseUrl: settings.baseUrl,
    authorization: settings.authorization,
    attachmentHosts: hosts,
    attachmentsNeedAuth: true,
    walk: (http, options) => walk(http, options, hosts, { cap: settings.incrementalCap, ticketsPerBatch: settings.ticketsPerBatch ?? 25 }),
    importSource: () => ({ format: 'zendesk', path: TICKETS_FILE, users: USERS_FILE }),
  };
}

/**
 * https://developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/best-practices-for-avoiding-rate-limiting/
 * Every answer: `ratelimit-remaining` / `x-rate-limit-remaining` (left this minute) and
 * `ratelimit-reset` (seconds); a 429: `Retry-After` (seconds).
 */
export const zendeskRateHeaders: RateHeaders = {
  remaining(headers) {
    return count(headers['ratelimit-remaining'] ?? headers['x-rate-limit-remaining']);
  },
  resetInMs(headers) {
    const seconds = count(headers['retry-after'] ?? headers['ratelimit-reset']);
    return seconds === undefined ? undefined : seconds * 1000;
  },
};

/**
 * Where the walk stands: the incremental page being read (its `start_time` or `cursor`) and the
 * last ticket of it already written, as the export orders them (`generated_timestamp`, `id`).
 * Re-reading that page after a kill skips up to that ticket, so none is written twice.
 */
interface Position {
  readonly page: { readonly start_time: number } | { readonly cursor: string };
  readonly after: readonly [number, number] | null;
}
type Cursor = Position | { readonly done: true };
type Query = Readonly<Record<string, string | number | undefined>>;
interface Cap {
  readonly requests: number;
  readonly windowMs: number;
}
interface WalkSettings {
  readonly cap: Cap;
  readonly ticketsPerBatch: number;
}

async function* walk(http: SourceHttp, options: WalkOptions, hosts: readonly string[], settings: WalkSettings): AsyncGenerator<ExportBatch> {
  const resumed = resumePoint(options.from, options.since);
  if ('done' in resumed) return;
  const seenUsers = await idsWritten(options.written, USERS_FILE);
  const comments = async (step: Step): Promise<WithComments | undefined> => (step.ticket === undefined ? undefined : fetchComments(http, step.ticket, step.people, hosts));
  let batch = emptyBatch();
  // A next page still waiting for the cap when the walk ends (a failure, the runner done) stops waiting: no timer holds the process.
  const stopped = new AbortController();
  const signal = AbortSignal.any([options.signal, stopped.signal]);
  try {
    for await (const group of fetchAhead(steps(http, resumed, incrementalCap(settings.cap), signal), PREFETCH, comments)) {
      for (const { item: step, result: read } of group) {
        // Ctrl-C ends the walk between tickets: the runner has saved every batch it was given.
        if (options.signal.aborted) return;
        // Undefined: deleted since the page listed it, nothing left to import.
        if (read !== undefined) addTicket(batch, read, step.people, seenUsers);
        if (step.endsPage || batch.tickets >= settings.ticketsPerBatch) {
          yield { ...batch, cursor: cursorValue(step.cursor) };
          batch = emptyBatch();
        }
      }
    }
  } finally {
    stopped.abort();
  }
}

/** One ticket of an incremental page (or none, for a page with nothing new), its page's users, and where the walk stands after it. */
interface Step {
  readonly ticket: JsonObject | undefined;
  /** The page's side-loaded users; the comments' authors are added as they are read. */
  readonly people: Map<string, JsonObject>;
  readonly cursor: Cursor;
  readonly endsPage: boolean;
}

/**
 * The incremental pages, a step per ticket. The next page is asked for as soon as this one is in
 * (its cursor is in this page), within the endpoint's own cap; Ctrl-C during the cap's wait ends
 * the walk without that request.
 */
async function* steps(http: SourceHttp, from: Position, cap: IncrementalCap, signal: AbortSignal): AsyncGenerator<Step> {
  let at = from;
  let page = incrementalPage(http, at, cap, signal);
  for (;;) {
    const listed = await page;
    if (listed === undefined) return;
    const next: Cursor = listed.end_of_stream === true ? { done: true } : { page: { cursor: requiredText(listed.after_cursor, 'after_cursor') }, after: null };
    if (!('done' in next)) page = sentAhead(incrementalPage(http, next, cap, signal));
    const people = usersById(listed.users);
    const after = at.after;
    const tickets = asArray(listed.tickets)
      .map(asObject)
      .filter((t): t is JsonObject => t !== undefined && t.status !== 'deleted' && (after === null || compare(orderOf(t), after) > 0));
    if (tickets.length === 0) yield { ticket: undefined, people, cursor: next, endsPage: true };
    for (const [i, ticket] of tickets.entries()) {
      const endsPage = i === tickets.length - 1;
      yield { ticket, people, cursor: endsPage ? next : { page: at.page, after: orderOf(ticket) }, endsPage };
    }
    if ('done' in next) return;
    at = next;
  }
}

/** One incremental page once the cap allows it; undefined if Ctrl-C came first. */
async function incrementalPage(http: SourceHttp, at: Position, cap: IncrementalCap, signal: AbortSignal): Promise<JsonObject | undefined> {
  await cap.ready(signal);
  if (signal.aborted) return undefined;
  const query: Query = { ...at.page, per_page: TICKETS_PER_PAGE, include: 'users', exclude_deleted: 'true' };
  const page = await read(http, INCREMENTAL, query, 'tickets').finally(() => {
    cap.answered();
  });
  if (page === undefined) throw new Error(`Zendesk GET /api/v2/${INCREMENTAL}: HTTP 404: is the subdomain right?`);
  return page;
}

/** A ticket and all its comments, read; the links its comments need stored. */
interface WithComments {
  readonly ticket: JsonObject;
  readonly comments: readonly JsonObject[];
  readonly links: readonly string[];
}

/** Every page of a ticket's comments, authors side-loaded into `people`; undefined on a 404. */
async function fetchComments(http: SourceHttp, ticket: JsonObject, people: Map<string, JsonObject>, hosts: readonly string[]): Promise<WithComments | undefined> {
  const id = requiredText(ticket.id, 'ticket id');
  const comments: JsonObject[] = [];
  const links: string[] = [];
  let after: string | undefined;
  do {
    const page = await read(http, `tickets/${id}/comments.json`, { 'page[size]': COMMENTS_PER_PAGE, 'page[after]': after, include: 'users', include_inline_images: 'true' }, 'comments');
    if (page === undefined) return undefined;
    for (const [userId, user] of usersById(page.users)) people.set(userId, user);
    for (const value of asArray(page.comments)) {
      const comment = asObject(value);
      if (comment === undefined) continue;
      comments.push(comment);
      const html = asText(comment.html_body);
      for (const { link } of remoteLinksOf(normaliseAttachments(comment.attachments), html ?? '', html !== undefined, hosts)) links.push(link);
    }
    const meta = asObject(page.meta);
    after = meta?.has_more === true ? requiredText(meta.after_cursor, 'meta.after_cursor') : undefined;
  } while (after !== undefined);
  return { ticket, comments, links };
}

interface OpenBatch {
  records: ExportRecord[];
  links: string[];
  tickets: number;
  messages: number;
}

function emptyBatch(): OpenBatch {
  return { records: [], links: [], tickets: 0, messages: 0 };
}

/** The ticket's line (requester embedded, comments in) and the users met for the first time. */
function addTicket(batch: OpenBatch, { ticket, comments, links }: WithComments, people: ReadonlyMap<string, JsonObject>, seenUsers: Set<string>): void {
  const requesterId = asText(ticket.requester_id);
  const requester = requesterId === undefined ? undefined : people.get(requesterId);
  batch.records.push({ file: TICKETS_FILE, value: { ...ticket, ...(requester === undefined ? {} : { requester: userLine(requester) }), comments } });
  for (const userId of [requesterId, ...comments.map((c) => asText(c.author_id))]) {
    const user = userId === undefined ? undefined : people.get(userId);
    if (userId === undefined || user === undefined || seenUsers.has(userId)) continue;
    seenUsers.add(userId);
    batch.records.push({ file: USERS_FILE, value: userLine(user) });
  }
  batch.links.push(...links);
  batch.tickets++;
  batch.messages += comments.length;
}

/** GET a page and check it is the documented JSON object; a 404 is undefined (a ticket deleted meanwhile). */
async function read(http: SourceHttp, path: string, query: Query, listKey: string): Promise<JsonObject | undefined> {
  const response = await http.get(path, query);
  if (response.status === 404) return undefined;
  const body = asObject(response.body);
  if (response.status !== 200 || body === undefined || !Array.isArray(body[listKey])) {
    const detail = asText(body?.description) ?? asText(body?.error) ?? 'not the documented JSON';
    throw new Error(`Zendesk GET /api/v2/${path}: HTTP ${response.status}: ${detail.slice(0, 200)}`);
  }
  return body;
}

/** Who a user is, for `source.users` (`id,name,email`); nothing else of the profile is kept. */
function userLine(user: JsonObject): Record<string, unknown> {
  return { id: user.id, name: asText(user.name) ?? null, email: asText(user.email) ?? null };
}

function usersById(value: unknown): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const item of asArray(value)) {
    const user = asObject(item);
    const id = asText(user?.id);
    if (user !== undefined && id !== undefined) out.set(id, user);
  }
  return out;
}

function resumePoint(from: CursorValue | undefined, since: Date | undefined): Cursor {
  if (from === undefined) return { page: { start_time: since === undefined ? 0 : Math.floor(since.getTime() / 1000) }, after: null };
  const saved = asObject(from);
  if (saved?.done === true) return { done: true };
  const page = asObject(saved?.page);
  const after = saved?.after;
  const validAfter = after === null || (Array.isArray(after) && after.length === 2 && after.every((n) => typeof n === 'number'));
  if (page !== undefined && validAfter) {
    if (typeof page.cursor === 'string') return { page: { cursor: page.cursor }, after: after as Position['after'] };
    if (typeof page.start_time === 'number') return { page: { start_time: page.start_time }, after: after as Position['after'] };
  }
  throw new Error(`the saved Zendesk export cursor is not one this version writes: ${JSON.stringify(from).slice(0, 200)}`);
}

function cursorValue(cursor: Cursor): CursorValue {
  return 'done' in cursor ? { done: true } : { page: cursor.page, after: cursor.after };
}

function orderOf(ticket: JsonObject): readonly [number, number] {
  return [Number(ticket.generated_timestamp ?? 0), Number(ticket.id)];
}

function compare(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

function requiredText(value: unknown, what: string): string {
  const text = asText(value);
  if (text === undefined) throw new Error(`Zendesk answered without ${what}`);
  return text;
}

function count(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The incremental export's own cap (on top of the account's, which the client paces by headers):
 * its answers state no budget of their own, so a request waits until `windowMs` has passed since
 * the answer `requests` requests ago. Timed from answers, not sends: the API's window began at or
 * before that answer, whatever the latency, so the next request lands in a new window.
 */
interface IncrementalCap {
  ready(signal: AbortSignal): Promise<void>;
  answered(): void;
}

function incrementalCap(cap: Cap): IncrementalCap {
  const answers: number[] = [];
  return {
    async ready(signal) {
      const oldest = answers.length >= cap.requests ? answers[answers.length - cap.requests] : undefined;
      const wait = oldest === undefined ? 0 : oldest + cap.windowMs - Date.now();
      // An abort ends the wait early; the walk then stops.
      if (wait > 0) await delay(wait, undefined, { signal }).catch(() => undefined);
    },
    answered() {
      answers.push(Date.now());
      if (answers.length > cap.requests) answers.shift();
    },
  };
}
