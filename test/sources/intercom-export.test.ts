import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntercomSim } from '../../src/source-simulators/intercom.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { intercomExport } from '../../src/sources/intercom.ts';
import { expectLandedOnce, expectNoCredentialIn, INTERCOM_ENV, messageKeys, platformFor, startSim, TOKEN } from './intercom-export.helpers.ts';
import { exportTestEnv, FETCHER, HTTP, importedThreads, importExport, lines } from './export-test-env.ts';

const env = exportTestEnv<IntercomSim>();

describe('hs-import export --from intercom', () => {
  it('exports what the preset reads: every message lands in Help Scout once, files byte-identical, each conversation with its contact as customer', async () => {
    // Links expire after one use: only a download while the export runs gets them. A 503 and a reset on the way.
    const sim = await env.source(startSim({ conversations: 14, partsPerConversation: 7, fileEvery: 3, inlineEvery: 5, linkUses: 1, faults: new Map<number, 503 | 'reset'>([[3, 503], [8, 'reset']]) }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);

    const written = lines(join(out, 'conversations.jsonl'));
    expect(written.map((c) => c.id)).toEqual(sim.conversations.map((c) => c.id));
    // Each contact once, with what the preset needs to name the customer.
    const contacts = lines(join(out, 'contacts.jsonl'));
    expect(contacts.map((c) => c.id).sort()).toEqual([...sim.contacts.keys()].sort());
    for (const c of contacts) expect(c).toMatchObject({ id: c.id, name: sim.contacts.get(c.id as string)?.name, email: sim.contacts.get(c.id as string)?.email });
    // Paged by the search cursor, every request on Intercom-Version 2.11 with the token.
    const searches = sim.server.requests.filter((r) => r.url === '/conversations/search');
    expect(searches.length).toBeGreaterThanOrEqual(4);
    for (const r of sim.server.requests) expect([r.headers.authorization, r.headers['intercom-version']]).toEqual([`Bearer ${TOKEN}`, '2.11']);
    // Upload links want no credential.
    for (const r of sim.files.requests) expect(r.headers.authorization, r.path).toBeUndefined();
    expect(result.state.counts).toMatchObject({ tickets: 14, attachmentsStored: sim.fileBytes.size, attachmentsFailed: {} });

    // The source is gone before the import: every file must come from the store the export filled.
    const source = sim;
    await env.closeSource();
    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    const keys = messageKeys(source.conversations);
    expect(run.rejects).toEqual([]);
    expect(run.counts).toMatchObject({ rejected: 0, inDoubt: 0 });
    expect([...run.landed()].map((n) => n.key).filter((k) => keys.includes(k)).sort()).toEqual(keys);
    expectLandedOnce(source, helpScout, source.conversations);
    // Admin-initiated or not, each new conversation's customer is the conversation's contact.
    const customers = [...helpScout.state.conversations.values()].map((c) => c.customer?.email).sort();
    expect(customers).toEqual(source.conversations.map((c) => c.contact.email).sort());
    expect(importedThreads(helpScout).length).toBeGreaterThanOrEqual(keys.length);
    expectNoCredentialIn(out);
  });

  it('a second export --since the first holds only changed and new conversations, and no contact twice', async () => {
    const sim = await env.source(startSim({ conversations: 6, partsPerConversation: 4 }));
    const first = env.newDir();
    await runExport(platformFor(sim), { out: first, http: HTTP, fetcher: FETCHER });
    const helpScout = await env.helpScout();
    const firstRun = await importExport(first, helpScout);
    const before = messageKeys(sim.conversations);
    expect(firstRun.counts).toMatchObject({ rejected: 0 });

    const reply = sim.addReply('1002');
    const fresh = sim.addConversation();
    const second = env.newDir();
    const result = await runExport(platformFor(sim), { out: second, since: first, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    expect(lines(join(second, 'conversations.jsonl')).map((c) => c.id)).toEqual(['1002', fresh.id]);
    const contacts = lines(join(second, 'contacts.jsonl')).map((c) => c.id);
    expect(contacts.sort()).toEqual([...new Set([sim.conversations[2]?.contact.id, fresh.contact.id])].sort());

    const delta = await importExport(second, helpScout, { delta: true });
    expect(delta.rejects).toEqual([]);
    expect(delta.counts).toMatchObject({ rejected: 0, inDoubt: 0 });
    const newKeys = [`1002:${reply.id}`, `${fresh.id}:source`];
    expect([...delta.landed()].map((n) => n.key).filter((k) => [...before, ...newKeys].includes(k)).sort()).toEqual([...before, ...newKeys].sort());
    expectLandedOnce(sim, helpScout, sim.conversations);
    expectNoCredentialIn(second);
  });

  it('keeps within the budget: no 429 once the first answer told it', async () => {
    const sim = await env.source(startSim({ conversations: 12, partsPerConversation: 3, fileEvery: 4, limit: { requests: 8, windowMs: 1000 } }));
    const out = env.newDir();
    const result = await runExport(platformFor(sim), { out, http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    expect(lines(join(out, 'conversations.jsonl'))).toHaveLength(12);
    expect(sim.server.requests.length).toBeGreaterThan(16);
    expect(sim.server.count429).toBe(0);
    expect(result.state.counts.count429).toBe(0);
  });

  it('says which conversations Intercom shows only in part (over 500 parts), never a silent cut', async () => {
    const sim = await env.source(startSim({ conversations: 6, partsPerConversation: 6, partsShown: 3 }));
    const result = await runExport(platformFor(sim), { out: env.newDir(), http: HTTP, fetcher: FETCHER });
    expect(result.state.finished).toBe(true);
    // Conversations 1004 and 1005 have 4 and 5 parts; Intercom shows 3.
    expect(result.state.warnings).toEqual([
      'conversation 1004: Intercom shows 3 of its 4 parts (at most 500 a conversation); the rest are not exported',
      'conversation 1005: Intercom shows 3 of its 5 parts (at most 500 a conversation); the rest are not exported',
    ]);
  });

  it('names the missing INTERCOM_TOKEN, and never echoes a token', () => {
    expect(() => intercomExport({}, undefined)).toThrow(/INTERCOM_TOKEN: not set/);
    expect(() => intercomExport(INTERCOM_ENV, 'http://api.eu.intercom.io')).toThrow(/--api-url: http:\/\/ is only allowed to a loopback host/);
    expect(intercomExport(INTERCOM_ENV, 'https://api.eu.intercom.io/').baseUrl).toBe('https://api.eu.intercom.io');
    const platform = intercomExport({ INTERCOM_TOKEN: ` ${TOKEN} ` }, undefined);
    expect(platform.baseUrl).toBe('https://api.intercom.io');
    expect(JSON.stringify(platform.importSource())).not.toContain(TOKEN);
    expect(platform.importSource()).toEqual({ format: 'intercom', path: 'conversations.jsonl', users: 'contacts.jsonl' });
  });
});
