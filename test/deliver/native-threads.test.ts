import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { runImport } from '../../src/pipeline/run-import.ts';
import type { SimConversation } from '../../src/simulator/index.ts';
import { ENV, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const USERS = [
  { id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' },
  { id: 7, firstName: 'Bob', lastName: 'Agent', email: 'bob@example.com', alternateEmails: ['bob@old-desk.example'] },
  { id: 9, firstName: 'Ivy', lastName: 'Invited', email: 'ivy@example.com', invited: true },
];

const at = (minute: number): string => new Date(Date.UTC(2019, 4, 1, 9, minute)).toISOString().replace('.000Z', 'Z');

/** One ticket into existing conversation 801 (pending), one into a new conversation; every kind. */
function rows(): NoteRow[] {
  const into801 = { ticket: 'E1', conversation: 801 };
  const fresh = { ticket: 'N1', customerEmail: 'carol@example.com', customerName: 'Carol Ann Customer', subject: 'Printer on fire', tags: 'Billing; VIP Customer', ticketStatus: 'pending' };
  return [
    { ...into801, id: '1', createdAt: at(0), text: 'E1 question', kind: 'customer', authorEmail: 'erin@example.com' },
    { ...into801, id: '2', createdAt: at(1), text: 'E1 answer', kind: 'reply', authorEmail: 'BOB@old-desk.example' },
    { ...into801, id: '3', createdAt: at(2), text: 'E1 internal', kind: 'note', authorEmail: 'stranger@agency.example' },
    { ...fresh, id: '1', createdAt: at(3), text: 'N1 question', kind: 'customer', authorEmail: 'carol@example.com' },
    { ...fresh, id: '2', createdAt: at(4), text: 'N1 answer', kind: 'reply', authorEmail: 'ivy@example.com' },
    { ...fresh, id: '3', createdAt: at(5), text: 'N1 internal', kind: 'note', authorEmail: 'ada@example.com', tags: 'billing' },
  ];
}

function threadsByBody(conversation: SimConversation | undefined): Map<string, { type: string; by: string; imported: boolean }> {
  return new Map((conversation?.threads ?? []).filter((t) => t.imported).map((t) => [t.body, { type: t.type, by: `${t.createdBy.type}:${t.createdBy.id}`, imported: t.imported }]));
}

function created(e: ImportEnv): SimConversation | undefined {
  return [...e.sim.state.conversations.values()].find((c) => c.tags.some((t) => t.startsWith('hsi-')));
}

describe('policy.threads "native": customer, reply and note threads as the source had them', () => {
  it('sends each kind to its endpoint and inside Create Conversation, every one imported, replies keeping the status', async () => {
    env = await importEnv(rows(), { users: USERS, conversations: [{ id: 801, customerEmail: 'erin@example.com', status: 'pending' }] }, { policy: { threads: 'native' }, target: { status: 'source' } });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 6, rejected: 0 });

    const existing = threadsByBody(env.sim.state.conversations.get(801));
    expect(existing.get('E1 question')).toMatchObject({ type: 'customer', by: expect.stringMatching(/^customer:/) as unknown });
    // Bob wrote from his old address: matched through alternateEmails.
    expect(existing.get('E1 answer')).toEqual({ type: 'message', by: 'user:7', imported: true });
    // An author the account does not know: a note by the default (the token's owner), not an error.
    expect(existing.get('E1 internal')?.type).toBe('note');
    expect(env.sim.state.conversations.get(801)?.status).toBe('pending');

    const fresh = created(env);
    const inside = threadsByBody(fresh);
    expect(inside.get('N1 question')?.type).toBe('customer');
    // Ivy is only invited: listed by List Users all the same.
    expect(inside.get('N1 answer')).toEqual({ type: 'message', by: 'user:9', imported: true });
    expect(inside.get('N1 internal')).toEqual({ type: 'note', by: 'user:1', imported: true });
    expect(fresh?.status).toBe('pending');
    expect(fresh?.tags.filter((t) => !t.startsWith('hsi-')).sort()).toEqual(['billing', 'vip customer']);
    expect(fresh?.customer).toMatchObject({ email: 'carol@example.com', first: 'Carol', last: 'Ann Customer' });

    const counters = env.sim.state.counters.snapshot();
    expect(counters.threadsNotImported).toBe(0);
    // The users cost one GET for these three (50 a page).
    expect(env.sim.state.counters.requestCount('GET /v2/users', 200)).toBe(1);
  });

  it('keeps every message a note by default, each with its author\'s user', async () => {
    env = await importEnv(rows(), { users: USERS, conversations: [{ id: 801, customerEmail: 'erin@example.com' }] });
    await runImport(env.config, { env: ENV });
    const existing = threadsByBody(env.sim.state.conversations.get(801));
    expect([...existing.values()].map((t) => t.type)).toEqual(['note', 'note', 'note']);
    expect(existing.get('E1 answer')?.by).toBe('user:7');
    expect(env.sim.state.counters.snapshot().threadsNotImported).toBe(0);
  });
});

describe('source.userMap', () => {
  async function withUserMap(csv: string): Promise<ImportEnv> {
    const e = await importEnv(rows(), { users: USERS, conversations: [{ id: 801, customerEmail: 'erin@example.com' }] });
    writeFileSync(join(e.dir, 'users.csv'), csv);
    return e;
  }

  it('wins over the email match', async () => {
    env = await withUserMap('email,user\nstranger@agency.example,1\nbob@old-desk.example,9\n');
    const config = withMapConfig(env);
    await runImport(config, { env: ENV });
    const existing = threadsByBody(env.sim.state.conversations.get(801));
    expect(existing.get('E1 internal')?.by).toBe('user:1');
    expect(existing.get('E1 answer')?.by).toBe('user:9');
  });

  it('naming a user the account does not list stops the run before any write, naming it', async () => {
    env = await withUserMap('email,user\nbob@example.com,4242\n');
    const config = withMapConfig(env);
    const error = await runImport(config, { env: ENV }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/user 4242 \(for bob@example.com\)/);
    expect(env.sim.state.counters.snapshot().notesCreated).toBe(0);
  });

  it('with a bad email or a user that is not a number is refused with file:line for each', async () => {
    env = await withUserMap('email,user\nbob@example.com,7\nnot-an-email,7\nada@example.com,admin\n');
    const config = withMapConfig(env);
    const error = await runImport(config, { env: ENV }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/users\.csv:3: "not-an-email" is not an email address/) as unknown,
      expect.stringMatching(/users\.csv:4: user "admin" is not a Help Scout user id/) as unknown,
    ]);
  });
});

/** The env's config with `source.userMap` set. */
function withMapConfig(e: ImportEnv): ReturnType<typeof validateConfig> {
  const raw = JSON.parse(readFileSync(e.configPath, 'utf8')) as { source: Record<string, unknown> };
  return validateConfig({ ...raw, source: { ...raw.source, userMap: 'users.csv' } }, e.configPath);
}
