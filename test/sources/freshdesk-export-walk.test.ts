import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import type { FreshdeskSim } from '../../src/source-simulators/freshdesk.ts';
import { freshdeskExport } from '../../src/sources/freshdesk.ts';
import { API_KEY, ENV, messageKeys, platformFor, simKeys, startSim, walkAll } from './freshdesk-export.helpers.ts';

let sim: FreshdeskSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe('Freshdesk export walk (ticket list by updated_since, then conversations)', () => {
  it('walks past the page cap by windows of updated_since: every ticket once, every message, the documented query', async () => {
    // 450 tickets with a cap of 2 pages (200 tickets): only windows get them all.
    sim = await startSim({ seed: { tickets: 450, conversations: (i) => (i === 7 ? 230 : i % 3) }, pageLimit: 2 });
    const { tickets, batches } = await walkAll(platformFor(sim, { maxPages: 2 }));

    const ids = tickets.map((t) => String(t.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(450);
    expect(sorted(messageKeys(tickets))).toEqual(sorted(simKeys(sim)));
    // The ticket with 230 conversations came in three pages, oldest first.
    const long = tickets.find((t) => t.id === 8);
    expect((long?.conversations as unknown[]).length).toBe(230);
    for (const t of tickets) {
      expect(t.requester, `ticket ${String(t.id)}`).toMatchObject({ email: `customer${String(t.id)}@example.com` });
      expect(t.description).toContain(`Description of ticket ${String(t.id)}`);
    }
    expect(batches.reduce((n, b) => n + b.messages, 0)).toBe(simKeys(sim).length);
    expect(batches.flatMap((b) => b.warnings ?? [])).toEqual([]);

    const lists = sim.server.requests.filter((r) => r.url.startsWith('/api/v2/tickets?'));
    for (const r of lists) {
      const q = new URL(r.url, 'http://x').searchParams;
      expect(Object.fromEntries(q)).toMatchObject({ order_by: 'updated_at', order_type: 'asc', per_page: '100', include: 'requester,description' });
      expect(Number(q.get('page'))).toBeLessThanOrEqual(2);
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`);
    }
    expect(sim.server.requests.every((r) => r.status === 200)).toBe(true);
    // At the API's floor: one conversations request per ticket (plus the long one's two more), one list page per ~100 tickets.
    expect(sim.server.requests.length - lists.length).toBe(450 + 2);
    expect(lists.length).toBeLessThanOrEqual(6);
  });

  it('ties on one second: more than a page of tickets updated in the same second are all listed once (page 2 of that second)', async () => {
    sim = await startSim({ seed: { tickets: 260, perSecond: 130, conversations: () => 1 } });
    const { tickets } = await walkAll(platformFor(sim));
    const ids = tickets.map((t) => String(t.id));
    expect(ids).toHaveLength(260);
    expect(new Set(ids).size).toBe(260);
    expect(sorted(messageKeys(tickets))).toEqual(sorted(simKeys(sim)));
  });

  it('more tickets in one second than the list serves: the walk says so in a batch warning and goes on, never a silent cut', async () => {
    // 250 tickets in one second, then 50 more; the list serves 2 pages of 100.
    sim = await startSim({ seed: { tickets: 300, perSecond: 250, conversations: () => 0 }, pageLimit: 2 });
    const { tickets, batches } = await walkAll(platformFor(sim, { maxPages: 2 }));
    const warnings = batches.flatMap((b) => b.warnings ?? []);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/more than 200 tickets were last updated at 2019-01-01T01:00:30Z/);
    // The first 200 of that second and every later ticket; 50 could not be listed, and that is said.
    expect(tickets).toHaveLength(250);
    expect(tickets.filter((t) => Number(t.id) > 250)).toHaveLength(50);
    expect(sim.server.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it('a ticket updated during the walk (moved to the end of the list) is written once, and no unread ticket is skipped', async () => {
    sim = await startSim({ seed: { tickets: 350, conversations: () => 1 } });
    const running = sim;
    let replied = false;
    // When the walk reads its 150th conversation list, agents answer tickets 3 (read) and 300 (not yet read).
    running.server.onRequest((r) => {
      if (!replied && r.path.endsWith('/conversations') && running.server.requests.filter((q) => q.url.includes('/conversations')).length === 150) {
        replied = true;
        running.reply(3);
        running.reply(300);
      }
    });
    const { tickets } = await walkAll(platformFor(running));
    expect(replied).toBe(true);
    const ids = tickets.map((t) => Number(t.id));
    expect(ids).toHaveLength(350);
    expect(new Set(ids).size).toBe(350);
    // Ticket 300 was read after its reply: it carries it; ticket 3 was read before: the next --since export brings it.
    expect((tickets.find((t) => t.id === 300)?.conversations as unknown[]).length).toBe(2);
    expect((tickets.find((t) => t.id === 3)?.conversations as unknown[]).length).toBe(1);
  });

  it('resumes from a saved cursor mid-page without writing a ticket twice (the cursor alone says what the page already gave)', async () => {
    // Ties on every second, so the resumed page also starts with tickets written before it.
    sim = await startSim({ seed: { tickets: 230, perSecond: 3, conversations: (i) => i % 2 } });
    const platform = platformFor(sim);
    const first = await walkAll(platform, { stopAfter: 157 });
    const cursor = first.batches.at(-1)?.cursor;
    expect(cursor).toMatchObject({ page: 1 });
    const rest = await walkAll(platform, { from: cursor });
    const all = [...first.tickets, ...rest.tickets].map((t) => Number(t.id));
    expect(all).toHaveLength(230);
    expect(new Set(all).size).toBe(230);
    // A finished walk resumed does nothing.
    const again = await walkAll(platform, { from: rest.batches.at(-1)?.cursor, written: [...first.tickets, ...rest.tickets] });
    expect(again.tickets).toEqual([]);
  });

  it('a ticket written, then updated while the export was down, is not written again by the resumed walk (ids from the file)', async () => {
    sim = await startSim({ seed: { tickets: 150, conversations: () => 1 } });
    const platform = platformFor(sim);
    const first = await walkAll(platform, { stopAfter: 40 });
    sim.reply(7);
    const rest = await walkAll(platform, { from: first.batches.at(-1)?.cursor, written: first.tickets });
    const ids = [...first.tickets, ...rest.tickets].map((t) => Number(t.id));
    expect(ids).toHaveLength(150);
    expect(new Set(ids).size).toBe(150);
  });

  it('--since: only tickets updated at or after it', async () => {
    sim = await startSim({ seed: { tickets: 120, conversations: () => 1 } });
    // Ticket i was updated at 01:00:30 + i minutes on 2019-01-01.
    const { tickets } = await walkAll(platformFor(sim), { since: new Date('2019-01-01T02:00:30Z') });
    expect(tickets.map((t) => t.id)).toEqual(Array.from({ length: 60 }, (_, i) => i + 61));
  });

  it('lists every attachment and inline image link met, as the API minted them', async () => {
    sim = await startSim({ seed: { tickets: 20, conversations: () => 2, attachmentEvery: 2, inlineImageEvery: 3 } });
    const { tickets, batches } = await walkAll(platformFor(sim));
    const links = batches.flatMap((b) => b.links);
    const inRecords = JSON.stringify(tickets);
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(inRecords).toContain(link);
    expect(links.filter((l) => l.includes('/inline/')).length).toBe(sim.messages().length / 3);
    expect(links.filter((l) => l.includes('/attachments/')).length).toBe(sim.messages().filter((m) => m.files.length > 0).length);
  });
});

describe('Freshdesk credentials from the environment', () => {
  it('names every missing variable and echoes no value', () => {
    expect(() => freshdeskExport({}, undefined)).toThrow(ConfigError);
    try {
      freshdeskExport({ FRESHDESK_API_KEY: API_KEY }, undefined);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^FRESHDESK_DOMAIN: not set/)]);
      expect(String(error)).not.toContain(API_KEY);
    }
    try {
      freshdeskExport({ FRESHDESK_DOMAIN: 'acme/../evil', FRESHDESK_API_KEY: API_KEY }, undefined);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^FRESHDESK_DOMAIN: expected the account name/)]);
    }
  });

  it('builds the account URL from the name or the host, Basic auth with the key and X, and an import source without secrets', () => {
    const byName = freshdeskExport({ FRESHDESK_DOMAIN: 'acme', FRESHDESK_API_KEY: API_KEY }, undefined);
    const byHost = freshdeskExport({ FRESHDESK_DOMAIN: 'https://Acme.freshdesk.com/', FRESHDESK_API_KEY: API_KEY }, undefined);
    expect(byName.baseUrl).toBe('https://acme.freshdesk.com/api/v2');
    expect(byHost.baseUrl).toBe('https://acme.freshdesk.com/api/v2');
    expect(byName.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`);
    expect(byName.attachmentsNeedAuth).toBe(false);
    expect(byName.attachmentHosts).toContain('acme.freshdesk.com');
    expect(JSON.stringify(byName.importSource())).not.toContain(API_KEY);
    expect(byName.importSource()).toEqual({ format: 'freshdesk', path: 'tickets.jsonl' });
  });

  it('--api-url replaces the account URL, checked as every platform checks it: https, or plain http to a loopback host only', () => {
    expect(() => freshdeskExport(ENV, 'http://proxy.example.com/api/v2')).toThrow(/--api-url: http:\/\/ is only allowed to a loopback host/);
    expect(() => freshdeskExport(ENV, 'https://user:pw@proxy.example.com/api/v2')).toThrow(/--api-url: must not contain a user name or password/);
    expect(freshdeskExport(ENV, 'https://proxy.example.com/api/v2/').baseUrl).toBe('https://proxy.example.com/api/v2');
    expect(freshdeskExport(ENV, 'http://127.0.0.1:8080/api/v2').baseUrl).toBe('http://127.0.0.1:8080/api/v2');
  });
});
