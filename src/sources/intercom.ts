import PQueue from 'p-queue';
import { ConfigError } from '../core/errors.ts';
import { remoteLinksOf } from '../mapper/remote-attachments.ts';
import { normaliseAttachments } from '../readers/attachment-normalise.ts';
import { asArray, asObject, asText, type JsonObject } from '../readers/presets/json-value.ts';
import { idsWritten } from './export-files.ts';
import { sentAhead } from './fetch-ahead.ts';
import { apiBaseUrl, type CursorValue, type ExportBatch, type ExportRecord, type PlatformExport, type PlatformFactory, type RateHeaders, type SourceHttp, type SourceResponse, type WalkOptions } from './platform.ts';

/**
 * Intercom (REST API 2.11): conversations found by `updated_at`, then each one in full, written as
 * the `GET /conversations/{id}` bodies the `intercom` preset reads, one a line; plus the contacts
 * they name (2.x names its customers by id only), read by the preset through `source.users`.
 *
 * - https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/conversations/searchconversations
 *   (`POST /conversations/search`: `query` on `updated_at` (UNIX seconds, `>`), `pagination.per_page`
 *   ≤ 150, `pagination.starting_after` from `pages.next.starting_after`)
 * - https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/pagination/
 * - https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/conversations/retrieveconversation
 *   (`conversation_parts`, at most 500 of them: a longer conversation is reported, not cut silently)
 * - https://developers.intercom.com/docs/references/2.11/rest-api/api.intercom.io/contacts/showcontact
 * - https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning/
 *   (`Intercom-Version` header; without it the app's default version answers, in another shape)
 * - https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/
 *   (`Authorization: Bearer <access token>`; regional hosts `api.eu.intercom.io`, `api.au.intercom.io`)
 *
 * Upload links (`attachments[].url` on Intercom's CDN) are signed and expire, and want no credential.
 * Search documents no order: a conversation updated while the walk runs may come twice; the import
 * then lands its new parts and rejects the repeated ones `duplicate_note` (never a silent loss).
 */
export const intercomExport: PlatformFactory = (env, apiUrl) => intercomPlatform(intercomSettings(env, apiUrl));

export const CONVERSATIONS_FILE = 'conversations.jsonl';
export const CONTACTS_FILE = 'contacts.jsonl';

export interface IntercomSettings {
  readonly baseUrl: string;
  readonly authorization: string;
  /** Conversations a search page (documented maximum and our default: 150); one page is one batch. */
  readonly pageSize?: number;
}

const API_VERSION = '2.11';
/** GETs in flight at once: enough to keep a paced client busy, few enough to stay polite. */
const CONCURRENCY = 8;
/** Documented limit of parts in one `GET /conversations/{id}`. */
const PARTS_SHOWN = 500;
/** Where Intercom's upload links point (US, EU, AU workspaces). */
const CDN_HOSTS = ['downloads.intercomcdn.com', 'downloads.intercomcdn.eu', 'downloads.au.intercomcdn.com'];

/** The settings from the environment; the token's value is never echoed. */
export function intercomSettings(env: Readonly<Record<string, string | undefined>>, apiUrl: string | undefined): IntercomSettings {
  const token = (env.INTERCOM_TOKEN ?? '').trim();
  if (token === '') throw new ConfigError(['INTERCOM_TOKEN: not set (the Intercom export needs an access token of an Intercom app)']);
  return { baseUrl: apiBaseUrl(apiUrl, 'https://api.intercom.io'), authorization: `Bearer ${token}` };
}

export function intercomPlatform(settings: IntercomSettings): PlatformExport {
  // The API's own host too: a simulator or proxy serves the files next to the API.
  const hosts = [...new Set([...CDN_HOSTS, new URL(settings.baseUrl).hostname.toLowerCase()])];
  return {
    platform: 'intercom',
    files: [CONVERSATIONS_FILE, CONTACTS_FILE],
    rateHeaders: intercomRateHeaders,
    baseUrl: settings.baseUrl,
    authorization: settings.authorization,
    headers: { 'intercom-version': API_VERSION },
    attachmentHosts: hosts,
    attachmentsNeedAuth: false,
    walk: (http, options) => walk(http, options, hosts, settings.pageSize ?? 150),
    importSource: () => ({ format: 'intercom', path: CONVERSATIONS_FILE, users: CONTACTS_FILE }),
  };
}

/**
 * https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
 * `X-RateLimit-Remaining` (left in the window) and `X-RateLimit-Reset` (UNIX seconds when it
 * refills), on every answer and on the 429.
 */
export const intercomRateHeaders: RateHeaders = {
  remaining(headers) {
    const n = Number(headers['x-ratelimit-remaining'] ?? NaN);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  },
  resetInMs(headers, now) {
    const at = Number(headers['x-ratelimit-reset'] ?? NaN);
    return Number.isFinite(at) && at > 0 ? Math.max(0, at * 1000 - now) : undefined;
  },
  // Intercom spreads an app's per-minute budget over 10-second windows.
  windowMs: 10_000,
};

/** Where the walk stands: the search page to read next (`null`: the first), or the end. */
type Cursor = { readonly startingAfter: string | null } | { readonly done: true };

async function* walk(http: SourceHttp, options: WalkOptions, hosts: readonly string[], perPage: number): AsyncGenerator<ExportBatch> {
  const at = resumePoint(options.from);
  if ('done' in at) return;
  const seenContacts = await idsWritten(options.written, CONTACTS_FILE);
  const queue = new PQueue({ concurrency: CONCURRENCY });
  // "At or after --since": the search's `>` is strict and counts whole seconds.
  const query = { field: 'updated_at', operator: '>', value: options.since === undefined ? 0 : Math.floor(options.since.getTime() / 1000) - 1 };
  let search = searchPage(http, query, at, perPage);
  for (;;) {
    options.signal.throwIfAborted();
    const page = await search;
    const nextAfter = asText(asObject(asObject(page.pages)?.next)?.starting_after);
    const next: Cursor = nextAfter === undefined ? { done: true } : { startingAfter: nextAfter };
    // Asked for now (its cursor is in this page): the queue need not wait on it after this page.
    if (!('done' in next)) search = sentAhead(searchPage(http, query, next, perPage));
    const ids = asArray(page.conversations).map((c) => requiredText(asObject(c)?.id, 'a conversation id in the search results'));
    // A conversation's new contacts are asked for as soon as it is in, not once the whole page is.
    const contacts = new Map<string, Promise<JsonObject | undefined>>();
    const conversations = await Promise.all(
      ids.map((id) =>
        queue.add(async () => {
          const conversation = await getOne(http, `conversations/${encodeURIComponent(id)}`);
          for (const contactId of conversation === undefined ? [] : contactIds(conversation)) {
            if (seenContacts.has(contactId) || contacts.has(contactId)) continue;
            contacts.set(contactId, sentAhead(queue.add(() => getOne(http, `contacts/${encodeURIComponent(contactId)}`))));
          }
          return conversation;
        }),
      ),
    );
    yield await pageBatch(conversations.filter((c) => c !== undefined), contacts, seenContacts, hosts, next);
    if ('done' in next) return;
  }
}

/** The search page at `at`: conversations updated since the query's time, `per_page` of them. */
async function searchPage(http: SourceHttp, query: Record<string, unknown>, at: { readonly startingAfter: string | null }, perPage: number): Promise<JsonObject> {
  const pagination = at.startingAfter === null ? { per_page: perPage } : { per_page: perPage, starting_after: at.startingAfter };
  return read(await http.post('conversations/search', { query, pagination }), 'POST /conversations/search', 'conversations');
}

/** One search page: its conversations in full, the contacts met for the first time (in the order the conversations name them), their links. */
async function pageBatch(conversations: readonly JsonObject[], asked: ReadonlyMap<string, Promise<JsonObject | undefined>>, seen: Set<string>, hosts: readonly string[], next: Cursor): Promise<ExportBatch> {
  const records: ExportRecord[] = conversations.map((value) => ({ file: CONVERSATIONS_FILE, value }));
  for (const id of new Set(conversations.flatMap(contactIds))) {
    const contact = await asked.get(id);
    if (seen.has(id) || contact === undefined) continue;
    seen.add(id);
    records.push({ file: CONTACTS_FILE, value: contactLine(contact) });
  }
  const links: string[] = [];
  const warnings: string[] = [];
  let messages = 0;
  for (const conversation of conversations) {
    const list = asObject(conversation.conversation_parts);
    const parts = asArray(list?.conversation_parts).map(asObject);
    for (const message of [asObject(conversation.source), ...parts]) {
      if (message === undefined) continue;
      const attachments = normaliseAttachments(message.attachments);
      const body = asText(message.body) ?? '';
      if (body !== '' || attachments.length > 0) messages++;
      for (const { link } of remoteLinksOf(attachments, body, true, hosts)) links.push(link);
    }
    const total = Number(list?.total_count ?? parts.length);
    if (total > parts.length) {
      warnings.push(`conversation ${String(conversation.id)}: Intercom shows ${parts.length} of its ${total} parts (at most ${PARTS_SHOWN} a conversation); the rest are not exported`);
    }
  }
  return { records, links, cursor: next, tickets: conversations.length, messages, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** The contact ids a conversation names (`contacts.contacts[]`); its authors carry their own name and email. */
function contactIds(conversation: JsonObject): string[] {
  const ids = asArray(asObject(conversation.contacts)?.contacts).map((c) => asText(asObject(c)?.id));
  return ids.filter((id) => id !== undefined);
}

/** Who a contact is, for `source.users` (`id`, `name`, `email`); nothing else of the profile is kept. */
function contactLine(contact: JsonObject): Record<string, unknown> {
  return { id: contact.id, role: asText(contact.role) ?? null, name: asText(contact.name) ?? null, email: asText(contact.email) ?? null, external_id: asText(contact.external_id) ?? null };
}

/** One object by id; 404 (deleted since the search listed it) is nothing to export. */
async function getOne(http: SourceHttp, path: string): Promise<JsonObject | undefined> {
  const response = await http.get(path);
  if (response.status === 404) return undefined;
  return read(response, `GET /${path}`, 'id');
}

/** The documented JSON object (with `key`), or an error naming the request and Intercom's own message. */
function read(response: SourceResponse, what: string, key: string): JsonObject {
  const body = asObject(response.body);
  if (response.status === 200 && body !== undefined && body[key] !== undefined) return body;
  const detail = asText(asObject(asArray(body?.errors)[0])?.message) ?? 'not the documented JSON';
  throw new Error(`Intercom ${what}: HTTP ${response.status}: ${detail.slice(0, 200)}`);
}

function resumePoint(from: CursorValue | undefined): Cursor {
  if (from === undefined) return { startingAfter: null };
  const saved = asObject(from);
  if (saved?.done === true) return { done: true };
  if (saved !== undefined && (saved.startingAfter === null || typeof saved.startingAfter === 'string')) return { startingAfter: saved.startingAfter };
  throw new Error(`the saved Intercom export cursor is not one this version writes: ${JSON.stringify(from).slice(0, 200)}`);
}

function requiredText(value: unknown, what: string): string {
  const text = asText(value);
  if (text === undefined) throw new Error(`Intercom answered without ${what}`);
  return text;
}
