import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import type { ZendeskSim } from '../../src/source-simulators/zendesk.ts';
import type { CursorValue, ExportBatch, PlatformExport } from '../../src/sources/platform.ts';
import { sourceHttp } from '../../src/sources/source-http.ts';
import { USERS_FILE, TICKETS_FILE, zendeskExport, zendeskRateHeaders, zendeskSettings } from '../../src/sources/zendesk.ts';
import { platformFor, startSim, TOKEN, ZENDESK_ENV } from './zendesk-export.helpers.ts';

let sim: ZendeskSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** The walk as the runner drives it, without files: `stopAfter` batches, `written` what earlier batches wrote. */
async function walk(platform: PlatformExport, options: { from?: CursorValue | undefined; written?: readonly unknown[]; stopAfter?: number } = {}): Promise<ExportBatch[]> {
  const http = sourceHttp(platform, { backoffMs: 5 });
  const batches: ExportBatch[] = [];
  const written = options.written ?? [];
  try {
    for await (const batch of platform.walk(http, {
      from: options.from,
      since: undefined,
      signal: new AbortController().signal,
      // eslint-disable-next-line @typescript-eslint/require-await -- the contract's shape is an async iterable
      written: async function* (file) {
        if (file === USERS_FILE) yield* written;
      },
    })) {
      batches.push(batch);
      if (options.stopAfter !== undefined && batches.length >= options.stopAfter) break;
    }
  } finally {
    await http.close();
  }
  return batches;
}

const valuesIn = (batches: readonly ExportBatch[], file: string): Record<string, unknown>[] => batches.flatMap((b) => b.records.filter((r) => r.file === file).map((r) => r.value as Record<string, unknown>));

describe('the Zendesk walk', () => {
  it('names every missing variable at once and never echoes a value', () => {
    const attempt = (env: Record<string, string>): unknown => {
      try {
        zendeskExport(env, undefined);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const missing = attempt({ ZENDESK_API_TOKEN: TOKEN });
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL']);
    expect((missing as Error).message).not.toContain(TOKEN);
    const bad = attempt({ ...ZENDESK_ENV, ZENDESK_SUBDOMAIN: 'https://acme.zendesk.com' });
    expect((bad as ConfigError).problems).toEqual([expect.stringMatching(/^ZENDESK_SUBDOMAIN: expected the account name only/)]);
    expect((bad as Error).message).not.toContain(TOKEN);
  });

  it('builds the API token credential and the account URL from the environment; --api-url replaces the URL', () => {
    const platform = zendeskExport(ZENDESK_ENV, undefined);
    expect(platform.baseUrl).toBe('https://acme.zendesk.com/api/v2');
    expect(platform.authorization).toBe(`Basic ${Buffer.from(`${ZENDESK_ENV.ZENDESK_EMAIL}/token:${TOKEN}`).toString('base64')}`);
    expect(platform.attachmentHosts).toEqual(['acme.zendesk.com']);
    expect(platform.attachmentsNeedAuth).toBe(true);
    expect(platform.importSource()).toEqual({ format: 'zendesk', path: TICKETS_FILE, users: USERS_FILE });
    expect(JSON.stringify(platform.importSource())).not.toContain(TOKEN);
    expect(zendeskExport(ZENDESK_ENV, 'http://127.0.0.1:8080/api/v2/').baseUrl).toBe('http://127.0.0.1:8080/api/v2');
    // The credential never travels in clear to a host off this machine.
    expect(() => zendeskExport(ZENDESK_ENV, 'http://proxy.example.com/api/v2')).toThrow(/--api-url: http:\/\/ is only allowed to a loopback host/);
  });

  it('reads the budget from ratelimit-remaining / x-rate-limit-remaining, the wait from Retry-After, else ratelimit-reset', () => {
    expect(zendeskRateHeaders.remaining({ 'ratelimit-remaining': '41', 'x-rate-limit-remaining': '40' })).toBe(41);
    expect(zendeskRateHeaders.remaining({ 'x-rate-limit-remaining': '7' })).toBe(7);
    expect(zendeskRateHeaders.remaining({})).toBeUndefined();
    expect(zendeskRateHeaders.resetInMs({ 'retry-after': '93', 'ratelimit-reset': '12' }, 0)).toBe(93_000);
    expect(zendeskRateHeaders.resetInMs({ 'ratelimit-reset': '12' }, 0)).toBe(12_000);
    expect(zendeskRateHeaders.resetInMs({ 'retry-after': 'soon' }, 0)).toBeUndefined();
  });

  it('resumed from any saved batch, goes on with the next ticket and writes no user twice', async () => {
    // Many walks of the same account: the incremental cap is not under test here.
    sim = await startSim({ tickets: 9, commentsPerTicket: 4, ticketsPageMax: 4, commentsPageMax: 2, incrementalLimit: { requests: 1000, windowMs: 60_000 } });
    // Two tickets a step, pages of four: steps end inside a page and at its end.
    const platform = platformFor(sim, { ticketsPerBatch: 2 });
    const whole = await walk(platform);
    const tickets = valuesIn(whole, TICKETS_FILE);
    const users = valuesIn(whole, USERS_FILE);
    expect(tickets.map((t) => t.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(users.map((u) => u.id)).toEqual([...new Set(users.map((u) => u.id))]);
    expect(whole.at(-1)?.cursor).toEqual({ done: true });

    expect(whole.map((b) => b.tickets)).toEqual([2, 2, 2, 2, 1]);
    for (const stop of [1, 2, 3, 4]) {
      const head = await walk(platform, { stopAfter: stop });
      const rest = await walk(platform, { from: head.at(-1)?.cursor, written: valuesIn(head, USERS_FILE) });
      const joined = [...head, ...rest];
      expect(valuesIn(joined, TICKETS_FILE), `stopped after ${stop}`).toEqual(tickets);
      expect(valuesIn(joined, USERS_FILE), `stopped after ${stop}`).toEqual(users);
    }
    // Resumed at the end, nothing more is asked of the API.
    const before = sim.server.requests.length;
    expect(await walk(platform, { from: { done: true } })).toEqual([]);
    expect(sim.server.requests.length).toBe(before);
  });

  it("keeps to the incremental export's documented 10 a minute unless ZENDESK_INCREMENTAL_PER_MINUTE gives the account's own; a bad value is named", () => {
    expect(zendeskSettings(ZENDESK_ENV, undefined).incrementalCap).toEqual({ requests: 10, windowMs: 60_000 });
    expect(zendeskSettings({ ...ZENDESK_ENV, ZENDESK_INCREMENTAL_PER_MINUTE: ' 30 ' }, undefined).incrementalCap).toEqual({ requests: 30, windowMs: 60_000 });
    for (const bad of ['ten', '0', '2.5', '-1']) {
      let error: unknown;
      try {
        zendeskSettings({ ...ZENDESK_ENV, ZENDESK_INCREMENTAL_PER_MINUTE: bad }, undefined);
      } catch (thrown) {
        error = thrown;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^ZENDESK_INCREMENTAL_PER_MINUTE: expected a whole number of requests a minute/)]);
    }
  });

  it('Ctrl-C while it waits for the incremental cap ends the walk at once, after the batches already given', async () => {
    sim = await startSim({ tickets: 3, commentsPerTicket: 1, ticketsPageMax: 1 });
    // One incremental request a minute: the second page would wait a minute.
    const platform = platformFor(sim, { incrementalCap: { requests: 1, windowMs: 60_000 } });
    const http = sourceHttp(platform, { backoffMs: 5 });
    const stop = new AbortController();
    const batches: ExportBatch[] = [];
    try {
      for await (const batch of platform.walk(http, { from: undefined, since: undefined, signal: stop.signal })) {
        batches.push(batch);
        stop.abort();
      }
    } finally {
      await http.close();
    }
    expect(batches.map((b) => b.tickets)).toEqual([1]);
    expect(sim.server.requests.filter((r) => r.url.includes('/incremental/'))).toHaveLength(1);
  });

  it('a ticket deleted between the listing and its comments is left out, and the walk goes on', async () => {
    const s = (sim = await startSim({ tickets: 3, commentsPerTicket: 2 }));
    // Deleted the moment its comments are asked for (listeners run before the answer).
    s.server.onRequest((r) => {
      if (r.path.startsWith('/api/v2/tickets/2/')) s.deleteTicket(2);
    });
    const batches = await walk(platformFor(s, { ticketsPerBatch: 1 }));
    expect(valuesIn(batches, TICKETS_FILE).map((t) => t.id)).toEqual([1, 3]);
    expect(batches.map((b) => b.tickets)).toEqual([1, 1]);
  });

  it('refuses a saved cursor it did not write, naming it', async () => {
    sim = await startSim({ tickets: 1, commentsPerTicket: 1 });
    await expect(walk(platformFor(sim), { from: { page: 'elsewhere' } })).rejects.toThrow(/saved Zendesk export cursor is not one this version writes/);
  });
});
