/**
 * `node --import tsx bench/children/export-pager.ts <zendesk|freshdesk|intercom> <api-url> <concurrency>`
 * (the `Authorization` value in EXPORT_PAGER_AUTHORIZATION): figure 13's baseline, the source
 * simulator's own ceiling for the requests `hs-import export` makes. A bare undici client pages the
 * same endpoints with the same queries (list pages one after another, as their cursors require; each
 * ticket's own requests `concurrency` at a time, overlapping the next list page) and discards the
 * per-ticket bodies unread but for the "more pages" signal. Only list pages are parsed: they name
 * the tickets. No files, no fsync, no retries, no pacing. Prints one JSON line: tickets, requests, ms
 * (first request to last answer).
 */
import { Agent, request } from 'undici';

type Query = Readonly<Record<string, string | number | undefined>>;
interface Json {
  readonly [key: string]: unknown;
}

const [platform, apiUrl, concurrencyArg] = process.argv.slice(2);
const authorizationEnv = process.env.EXPORT_PAGER_AUTHORIZATION;
if (platform === undefined || apiUrl === undefined || concurrencyArg === undefined || authorizationEnv === undefined) {
  throw new Error('usage: EXPORT_PAGER_AUTHORIZATION=… children/export-pager.ts <zendesk|freshdesk|intercom> <api-url> <concurrency>');
}
const authorization: string = authorizationEnv;
const concurrency = Number(concurrencyArg);
const base = new URL(apiUrl.replace(/\/+$/, '') + '/');
const agent = new Agent({ connections: concurrency + 1 });
const extraHeaders: Record<string, string> = platform === 'intercom' ? { 'intercom-version': '2.11' } : {};
let requests = 0;

/** The same URL the exporter's client builds: a path on the base URL, query set in this order, undefined left out. */
function urlOf(path: string, query: Query = {}): URL {
  const url = new URL(path, base);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url;
}

interface Answer {
  readonly text: string;
  readonly link: string;
}

async function call(url: URL, body?: unknown): Promise<Answer> {
  requests++;
  const headers: Record<string, string> = { ...extraHeaders, authorization, accept: 'application/json', 'user-agent': 'bench' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(url, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? null : JSON.stringify(body), dispatcher: agent });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${url.pathname}: HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
  const link = response.headers.link;
  return { text, link: typeof link === 'string' ? link : '' };
}

/** Per-ticket work, `concurrency` at a time, fed by the list walk; `drain` waits for all of it. */
class Lanes {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = 0;
  private failure: Error | undefined;
  private idle: (() => void) | undefined;

  add(job: () => Promise<void>): void {
    if (this.failure !== undefined) throw this.failure;
    this.queue.push(job);
    this.pump();
  }

  async drain(): Promise<void> {
    while (this.running > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    if (this.failure !== undefined) throw this.failure;
  }

  private pump(): void {
    while (this.running < concurrency && this.queue.length > 0) {
      const job = this.queue.shift();
      if (job === undefined) break;
      this.running++;
      job()
        .catch((error: unknown) => {
          this.failure ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) this.idle?.();
        });
    }
  }
}

const lanes = new Lanes();
let tickets = 0;

async function zendesk(): Promise<void> {
  let page: Query = { start_time: 0 };
  for (;;) {
    const listed = JSON.parse((await call(urlOf('incremental/tickets/cursor.json', { ...page, per_page: 1000, include: 'users', exclude_deleted: 'true' }))).text) as Json;
    for (const ticket of listed.tickets as Json[]) {
      if (ticket.status === 'deleted') continue;
      tickets++;
      const id = String(ticket.id);
      lanes.add(async () => {
        let after: string | undefined;
        do {
          const { text } = await call(urlOf(`tickets/${id}/comments.json`, { 'page[size]': 100, 'page[after]': after, include: 'users', include_inline_images: 'true' }));
          after = text.includes('"has_more":true') ? (JSON.parse(text) as { meta: { after_cursor: string } }).meta.after_cursor : undefined;
        } while (after !== undefined);
      });
    }
    if (listed.end_of_stream === true) return;
    page = { cursor: String(listed.after_cursor) };
  }
}

async function freshdesk(): Promise<void> {
  const seconds = (value: unknown): string => new Date(Math.floor(Date.parse(String(value)) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const written = new Set<string>();
  let at = { since: '1970-01-01T00:00:00Z', page: 1 };
  for (;;) {
    const answer = await call(urlOf('tickets', { updated_since: at.since, order_by: 'updated_at', order_type: 'asc', per_page: 100, page: at.page, include: 'requester,description' }));
    const listed = JSON.parse(answer.text) as Json[];
    for (const ticket of listed) {
      const id = String(ticket.id);
      if (written.has(id)) continue;
      written.add(id);
      tickets++;
      lanes.add(async () => {
        for (let page = 1; ; page++) {
          const { link } = await call(urlOf(`tickets/${id}/conversations`, { per_page: 100, page }));
          if (!/rel="?next"?/.test(link)) return;
        }
      });
    }
    const last = listed.at(-1);
    if (!/rel="?next"?/.test(answer.link) || last === undefined) return;
    const lastSecond = seconds(last.updated_at);
    at = lastSecond === at.since ? { since: at.since, page: at.page + 1 } : { since: lastSecond, page: 1 };
  }
}

async function intercom(): Promise<void> {
  const query = { field: 'updated_at', operator: '>', value: 0 };
  const seenContacts = new Set<string>();
  let startingAfter: string | undefined;
  for (;;) {
    const pagination = startingAfter === undefined ? { per_page: 150 } : { per_page: 150, starting_after: startingAfter };
    const listed = JSON.parse((await call(urlOf('conversations/search'), { query, pagination })).text) as { conversations: { id: string; contacts?: { contacts?: { id: string }[] } }[]; pages?: { next?: { starting_after?: string } } };
    for (const conversation of listed.conversations) {
      tickets++;
      lanes.add(async () => {
        await call(urlOf(`conversations/${encodeURIComponent(conversation.id)}`));
      });
      for (const contact of conversation.contacts?.contacts ?? []) {
        if (seenContacts.has(contact.id)) continue;
        seenContacts.add(contact.id);
        lanes.add(async () => {
          await call(urlOf(`contacts/${encodeURIComponent(contact.id)}`));
        });
      }
    }
    startingAfter = listed.pages?.next?.starting_after;
    if (startingAfter === undefined) return;
  }
}

const walks: Readonly<Record<string, () => Promise<void>>> = { zendesk, freshdesk, intercom };
const walk = walks[platform];
if (walk === undefined) throw new Error(`unknown platform ${platform}`);
const started = performance.now();
await walk();
await lanes.drain();
const ms = performance.now() - started;
await agent.close();
process.stdout.write(JSON.stringify({ tickets, requests, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
