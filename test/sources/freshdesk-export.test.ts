import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FreshdeskSim } from '../../src/source-simulators/freshdesk.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { exportTestEnv, FETCHER, HTTP, importExport, lines } from './export-test-env.ts';
import { expectLandedOnce, expectNoCredentialIn, platformFor, startSim } from './freshdesk-export.helpers.ts';

const env = exportTestEnv<FreshdeskSim>();

describe('hs-import export --from freshdesk', () => {
  it('exports what the preset reads: every message lands in Help Scout once, files and inline images byte-identical, a 503 and a reset on the way', async () => {
    // Links expire after one download: only a fetch during the export gets them.
    const sim = await env.source(startSim({ seed: { tickets: 30, conversations: (i) => i % 4 }, linkUses: 1, faults: new Map<number, 503 | 'reset'>([[3, 503], [11, 'reset']]) }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    expect(result.state.warnings).toEqual([]);
    const written = lines(join(out, 'tickets.jsonl'));
    expect(written.map((t) => t.id)).toHaveLength(30);
    expect(result.state.counts).toMatchObject({ tickets: 30, messages: sim.messages().length });

    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    expect(run.counts).toMatchObject({ done: sim.messages().length, rejected: 0, inDoubt: 0 });
    expectLandedOnce(sim, helpScout);
    // Each new conversation's customer is the ticket's requester (include=requester).
    const customers = new Set([...helpScout.state.conversations.values()].map((c) => JSON.stringify(c).match(/customer\d+@example\.com/)?.[0]));
    expect(customers.size).toBe(30);
    expectNoCredentialIn(out);
  });

  it('stays within the source budget: paced by X-RateLimit-Remaining, no 429 after the first window', async () => {
    const sim = await env.source(startSim({ seed: { tickets: 40, conversations: () => 1 }, limit: { requests: 8, windowMs: 1000 } }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim, { windowMs: 1000 }), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    const limited = sim.server.requests.filter((r) => r.status === 429);
    // At most the first window may meet a 429 (the client cannot know the budget before the first answer).
    expect(limited.filter((r) => r.n > 9)).toEqual([]);
    // The budget was met: the client waited for the window rather than sending into it.
    expect(result.state.counts.waits).toBeGreaterThan(0);
    expect(result.state.counts.requests).toBe(sim.server.requests.length);
    expect(lines(join(out, 'tickets.jsonl'))).toHaveLength(40);
  });

  it('a second export --since the first holds only new and changed tickets, and run --delta lands just what is new', async () => {
    const sim = await env.source(startSim({ seed: { tickets: 20, conversations: () => 1 } }));
    const first = env.newDir();
    await runExport(platformFor(sim), { out: first, http: HTTP, fetcher: FETCHER });
    const helpScout = await env.helpScout();
    await importExport(first, helpScout);

    sim.reply(4);
    const opened = sim.openTicket();
    const second = env.newDir();
    const result = await runExport(platformFor(sim), { out: second, since: first, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    expect(lines(join(second, 'tickets.jsonl')).map((t) => t.id)).toEqual([4, opened]);

    const delta = await importExport(second, helpScout, { delta: true });
    expect(delta.rejects).toEqual([]);
    expect(delta.counts).toMatchObject({ rejected: 0, inDoubt: 0 });
    expectLandedOnce(sim, helpScout);
    expectNoCredentialIn(second);
  });
});
