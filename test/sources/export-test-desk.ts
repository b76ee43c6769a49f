/**
 * A tiny help desk for the runner's tests: its API on a `startSourceSim` server (cursor pages
 * with an absolute `next_page`, side-loaded users, attachment links) and its files on the file
 * server, plus the platform walk that reads it. The runner is what is under test, so the walk is
 * as plain as a platform file: it only asks `SourceHttp` and yields batches.
 */
import { randomBytes } from 'node:crypto';
import type { PlatformExport, RateHeaders } from '../../src/sources/platform.ts';
import { startSourceSim, type RateState, type SimAnswer, type SimRequest, type SourceSim, type SourceSimOptions } from '../../src/source-simulators/sim-server.ts';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';

export const DESK_SECRET = 'Bearer desk-secret-5e1b-never-print';
export const DESK_TOKEN_ENV = 'TEST_DESK_AUTHORIZATION';

export interface DeskTicket {
  id: number;
  /** Epoch seconds. */
  updated_at: number;
  subject: string;
  comments: { id: number; body: string; author_id: number; attachments: { content_url: string }[] }[];
}

export interface Desk {
  readonly api: SourceSim;
  readonly files: RunningFileServer;
  readonly tickets: DeskTicket[];
  /** What the files serve, by link. */
  readonly bodies: Map<string, Buffer>;
  /** The `next_page` the API hands out after page `index`; a test may point it elsewhere. */
  nextPage: (index: number) => string;
  /** Adds or replaces a ticket (a later export sees it). */
  put(ticket: DeskTicket): void;
  close(): Promise<void>;
}

export interface DeskOptions {
  readonly tickets?: number;
  readonly pageSize?: number;
  /** Every `attachEvery`th ticket has an attachment on its first comment. */
  readonly attachEvery?: number;
  readonly limit?: SourceSimOptions['limit'];
  readonly faults?: SourceSimOptions['faults'];
  /** Attachment links on the API's own host (redirecting to the file host), so they spend the API's budget. */
  readonly attachmentsOnApi?: boolean;
  /** Omit `x-ratelimit-remaining` (only Retry-After on the 429, as Zendesk's incremental export). */
  readonly quietBudget?: boolean;
}

export const DAY_2024 = Date.UTC(2024, 0, 1) / 1000;

/** The desk's headers: remaining and reset-in-ms on every answer, Retry-After (ms, for short test windows) on the 429. */
function deskRateHeaders(quiet: boolean): (state: RateState) => Record<string, string> {
  return (state) => {
    const resetMs = String(Math.max(1, state.resetAtMs - state.now));
    if (state.limited) return { 'retry-after-ms': resetMs };
    return quiet ? {} : { 'x-ratelimit-remaining': String(state.remaining), 'x-ratelimit-reset-ms': resetMs };
  };
}

export async function startDesk(options: DeskOptions = {}): Promise<Desk> {
  const files = await startFileServer();
  const bodies = new Map<string, Buffer>();
  const tickets: DeskTicket[] = [];
  const pageSize = options.pageSize ?? 3;
  const handle = (request: SimRequest): SimAnswer => {
    if (request.path.startsWith('/attachments/')) return { redirect: `${files.url}${request.path}` };
    if (request.path !== '/api/tickets') return { status: 404, body: { error: 'InvalidEndpoint' } };
    const since = Number(request.query.get('start_time') ?? 0);
    const page = Number(request.query.get('page') ?? 0);
    // Ordered by update time then id, as an incremental export is.
    const matching = tickets.filter((t) => t.updated_at >= since).sort((a, b) => a.updated_at - b.updated_at || a.id - b.id);
    const slice = matching.slice(page * pageSize, (page + 1) * pageSize);
    const last = (page + 1) * pageSize >= matching.length;
    const users = [...new Set(slice.flatMap((t) => t.comments.map((c) => c.author_id)))].map((id) => ({ id, name: `User ${id}`, email: `user${id}@example.com` }));
    const next = last ? null : `${desk.nextPage(page)}${since > 0 ? `&start_time=${since}` : ''}`;
    return { status: 200, body: { tickets: slice, users, next_page: next } };
  };
  const api = await startSourceSim(handle, {
    authorization: DESK_SECRET,
    limit: options.limit ?? { requests: 1000, windowMs: 60_000 },
    rateHeaders: deskRateHeaders(options.quietBudget === true),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const attachEvery = options.attachEvery ?? 3;
  for (let id = 1; id <= (options.tickets ?? 12); id++) {
    const attachments: { content_url: string }[] = [];
    if (id % attachEvery === 0) {
      const path = `/attachments/${id}/file.bin`;
      const body = randomBytes(300 + id);
      // On the API's host, a link answers with a redirect to a one-use file link (Zendesk's way),
      // which needs no credential; on the file host, the file itself wants the credential.
      files.route(path, options.attachmentsOnApi === true ? { body, contentType: 'application/octet-stream' } : { body, contentType: 'application/octet-stream', requireHeader: { name: 'authorization', value: DESK_SECRET } });
      const link = `${options.attachmentsOnApi === true ? api.url : files.url}${path}`;
      bodies.set(link, body);
      attachments.push({ content_url: link });
    }
    tickets.push({
      id,
      updated_at: DAY_2024 + id * 3600,
      subject: `Ticket ${id}`,
      comments: [
        { id: id * 10 + 1, body: `<p>first message of ${id}</p>`, author_id: 100 + id, attachments },
        { id: id * 10 + 2, body: `reply to ${id}`, author_id: 1, attachments: [] },
      ],
    });
  }
  const desk: Desk = {
    api,
    files,
    tickets,
    bodies,
    nextPage: (index) => `${api.url}/api/tickets?page=${index + 1}`,
    put(ticket) {
      const at = tickets.findIndex((t) => t.id === ticket.id);
      if (at >= 0) tickets.splice(at, 1);
      tickets.push(ticket);
    },
    async close() {
      await Promise.all([api.close(), files.close()]);
    },
  };
  return desk;
}

const deskHeaders: RateHeaders = {
  remaining: (headers) => (headers['x-ratelimit-remaining'] === undefined ? undefined : Number(headers['x-ratelimit-remaining'])),
  resetInMs: (headers) => {
    const value = headers['retry-after-ms'] ?? headers['x-ratelimit-reset-ms'];
    return value === undefined ? undefined : Number(value);
  },
};

interface DeskPage {
  tickets: DeskTicket[];
  users: unknown[];
  next_page: string | null;
}

/** The desk's walk: one batch per page, the page's `next_page` as the cursor (null: the end). */
export function deskPlatform(baseUrl: string, authorization: string): PlatformExport {
  return {
    platform: 'zendesk',
    files: ['tickets.jsonl', 'users.jsonl'],
    rateHeaders: deskHeaders,
    baseUrl: `${baseUrl}/api`,
    authorization,
    attachmentHosts: ['127.0.0.1'],
    attachmentsNeedAuth: true,
    async *walk(http, { from, since }) {
      if (from === null) return;
      let link = typeof from === 'string' ? from : '/tickets';
      const query = typeof from !== 'string' && since !== undefined ? { start_time: Math.floor(since.getTime() / 1000) } : undefined;
      for (let first = true; ; first = false) {
        const response = await http.get(link, first ? query : undefined);
        if (response.status !== 200) throw new Error(`GET ${link}: HTTP ${response.status}`);
        const page = response.body as DeskPage;
        yield {
          records: [...page.tickets.map((value) => ({ file: 'tickets.jsonl', value })), ...page.users.map((value) => ({ file: 'users.jsonl', value }))],
          links: page.tickets.flatMap((t) => t.comments.flatMap((c) => c.attachments.map((a) => a.content_url))),
          cursor: page.next_page,
          tickets: page.tickets.length,
          messages: page.tickets.reduce((n, t) => n + t.comments.length, 0),
        };
        if (page.next_page === null) return;
        link = page.next_page;
      }
    },
    importSource: () => ({ format: 'zendesk', path: 'tickets.jsonl', users: 'users.jsonl' }),
  };
}
