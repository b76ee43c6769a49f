import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ZendeskSim } from '../../src/source-simulators/zendesk.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { exportTestEnv, FETCHER, HTTP, importedThreads, importExport, lines } from './export-test-env.ts';
import { commentKeys, expectLandedOnce, expectNoCredentialIn, platformFor, startSim } from './zendesk-export.helpers.ts';

const env = exportTestEnv<ZendeskSim>();

describe('hs-import export --from zendesk', () => {
  it('exports what the preset reads: every comment lands in Help Scout once, files byte-identical, fetched while the export ran', async () => {
    // Small pages on both endpoints, a deleted ticket, a 503 and a reset on the way.
    const sim = await env.source(startSim({ tickets: 12, commentsPerTicket: 5, ticketsPageMax: 5, commentsPageMax: 2, deleted: [5], faults: new Map<number, 503 | 'reset'>([[4, 503], [9, 'reset']]) }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);

    const live = sim.tickets.filter((t) => t.status !== 'deleted');
    const written = lines(join(out, 'tickets.jsonl'));
    expect(written.map((t) => t.id)).toEqual(live.map((t) => t.id));
    const exportedKeys = written.flatMap((t) => (t.comments as { id: number }[]).map((c) => `${String(t.id)}:${c.id}`)).sort();
    expect(exportedKeys).toEqual(commentKeys(live));
    // The requester is embedded, as in Zendesk's own JSON export: the customer of a new conversation.
    for (const t of written) expect((t.requester as { email?: string } | undefined)?.email, `ticket ${String(t.id)}`).toMatch(/^customer\d+@example\.com$/);
    // Each author once in the users file, with name and email.
    const users = lines(join(out, 'users.jsonl'));
    expect(users.map((u) => u.id)).toEqual([...new Set(users.map((u) => u.id))]);
    const authors = new Set(live.flatMap((t) => [t.requester_id, ...t.comments.map((c) => c.author_id)]));
    expect(new Set(users.map((u) => u.id))).toEqual(authors);
    for (const u of users) expect(u).toEqual({ id: u.id, name: sim.users.get(u.id as number)?.name, email: sim.users.get(u.id as number)?.email });

    // The deleted ticket was never asked for its comments.
    expect(sim.server.requests.some((r) => r.url.startsWith('/api/v2/tickets/5/'))).toBe(false);
    // Every file through its content_url, with the credential; the temporary links on the other host without it.
    const files = [...sim.fileBytes.keys()].filter((url) => live.some((t) => t.comments.some((c) => c.attachments.some((a) => a.content_url === url))));
    expect(files.length).toBeGreaterThan(3);
    expect(sim.files.requests.filter((r) => r.listener === 'temporary')).toHaveLength(files.length);
    for (const r of sim.files.requests) expect(r.headers.authorization, r.path).toBeUndefined();
    for (const r of sim.server.requests) expect(r.headers.authorization).toBe(sim.authorization);
    expect(result.state.counts).toMatchObject({ tickets: live.length, messages: exportedKeys.length, attachmentsStored: files.length, attachmentsFailed: {} });

    // The source is gone before the import: every file must come from the store the export filled.
    const source = sim;
    await env.closeSource();
    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    expect(run.counts).toMatchObject({ done: exportedKeys.length, rejected: 0, inDoubt: 0 });
    expect([...run.landed()].map((n) => n.key).sort()).toEqual(exportedKeys);
    expect(importedThreads(helpScout)).toHaveLength(exportedKeys.length);
    expectLandedOnce(source, helpScout, live);
    expectNoCredentialIn(out, source);
  });

  it('a second export --since the first holds only new and changed tickets; run --delta lands just the new comments', async () => {
    const sim = await env.source(startSim({ tickets: 6, commentsPerTicket: 3 }));
    const first = env.newDir();
    await runExport(platformFor(sim), { out: first, http: HTTP, fetcher: FETCHER });
    const helpScout = await env.helpScout();
    const firstRun = await importExport(first, helpScout);
    const before = commentKeys(sim.tickets);
    expect(firstRun.counts).toMatchObject({ done: before.length, rejected: 0 });

    const added = sim.addComment(2);
    const fresh = sim.addTicket();
    const second = env.newDir();
    const result = await runExport(platformFor(sim), { out: second, since: first, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    // Only the changed ticket (whole, with its earlier comments) and the new one.
    expect(lines(join(second, 'tickets.jsonl')).map((t) => t.id)).toEqual([2, fresh.id]);
    // Users already written by the first export come again only where a record needs them: here, once each.
    const users = lines(join(second, 'users.jsonl')).map((u) => u.id);
    expect(users).toEqual([...new Set(users)]);

    const delta = await importExport(second, helpScout, { delta: true });
    expect(delta.counts).toMatchObject({ rejected: 0, inDoubt: 0 });
    const newKeys = [`2:${added.id}`, ...fresh.comments.map((c) => `${fresh.id}:${c.id}`)];
    expect([...delta.landed()].map((n) => n.key).sort()).toEqual([...before, ...newKeys].sort());
    expect(importedThreads(helpScout)).toHaveLength(before.length + newKeys.length);
    expectLandedOnce(sim, helpScout, sim.tickets);
    expectNoCredentialIn(second, sim);
  });

  it('keeps within both limits: no 429 once the first window told the budget, the incremental cap paced ahead', async () => {
    // 10 requests a second for the account, 2 a second for the incremental export: over 20 requests.
    const sim = await env.source(startSim({ tickets: 10, commentsPerTicket: 3, ticketsPageMax: 2, fileEvery: 4, limit: { requests: 10, windowMs: 1000 }, incrementalLimit: { requests: 2, windowMs: 1000 } }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim, { incrementalCap: { requests: 2, windowMs: 1000 } }), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    expect(lines(join(out, 'tickets.jsonl'))).toHaveLength(10);
    const incremental = sim.server.requests.filter((r) => r.url.includes('/incremental/'));
    expect(incremental.length).toBeGreaterThanOrEqual(5);
    expect(sim.server.requests.length).toBeGreaterThan(20);
    expect(sim.server.count429).toBe(0);
    expect(sim.incremental429).toBe(0);
    expect(result.state.counts.count429).toBe(0);
  });
});
