import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SeedError, startSimulator } from '../../src/simulator/index.ts';
import { note, startTestSimulator } from './helpers.ts';

const DEMO_SEED = fileURLToPath(new URL('../../fixtures/helpscout/seed.json', import.meta.url));

describe('seed files', () => {
  it('the demo seed: 1001-1003 with 0, 2 and 5 threads, 1004 merged into 1005, 1006 too old, 200 units a minute', async () => {
    const demo = await startSimulator({ seedPath: DEMO_SEED });
    try {
      const counts = [1001, 1002, 1003].map((id) => demo.state.conversations.get(id)?.threads.length);
      expect(counts).toEqual([0, 2, 5]);
      expect(demo.state.conversations.get(1004)?.mergedInto).toBe(1005);
      expect(demo.state.conversations.get(1006)?.tooOld).toBe(true);
      expect(demo.state.config.rateLimit).toEqual({ unitsPerWindow: 200, windowSeconds: 60 });
      expect(demo.state.config.credentials).toEqual([{ appId: 'demo-app-id', appSecret: 'demo-app-secret' }]);
    } finally {
      await demo.close();
    }
  });

  it('every field is optional: an empty seed has the demo credentials, mailbox 1, user 1 and 200 units / 60 s', async () => {
    const sim = await startTestSimulator({});
    expect(sim.state.config).toMatchObject({
      credentials: [{ appId: 'demo-app-id', appSecret: 'demo-app-secret' }],
      rateLimit: { unitsPerWindow: 200, windowSeconds: 60 },
      tokens: { expiresInSeconds: 172800, expireAfterRequests: null },
      maxBodyBytes: 10485760,
      maxAttachmentBytes: 10485760,
    });
    expect([...sim.state.mailboxes.keys()]).toEqual([1]);
    expect([...sim.state.users.keys()]).toEqual([1]);
    expect(await sim.token()).toEqual(expect.stringMatching(/.{20,}/) as string);
  });

  it('other credentials from the seed replace the demo pair', async () => {
    const sim = await startTestSimulator({ credentials: [{ appId: 'mine', appSecret: 's3cret' }] });
    const demo = await sim.request('/v2/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-app-id&client_secret=demo-app-secret',
    });
    expect(demo.status).toBe(401);
  });

  it('seeded history is plausible: customer and agent threads alternating, dated in the past', async () => {
    const sim = await startTestSimulator({ conversations: [{ id: 1, threads: 3, customerEmail: 'c@example.com' }] });
    const threads = sim.state.conversations.get(1)?.threads ?? [];
    expect(threads.map((t) => [t.type, t.createdBy.type])).toEqual([
      ['customer', 'customer'],
      ['message', 'user'],
      ['customer', 'customer'],
    ]);
    expect(threads.every((t) => t.createdAtMs < Date.now())).toBe(true);
  });

  it('an invalid seed is refused with every problem listed', async () => {
    const attempt = startSimulator({
      seed: JSON.parse(
        '{"rateLimit":{"unitsPerWindow":-1},"faults":{"serverErrorRate":2,"on":"sometimes"},"conversations":[{"id":1,"mailboxId":9},{"id":1,"mergedInto":5}]}',
      ) as never,
    });
    await expect(attempt).rejects.toBeInstanceOf(SeedError);
    const problems = await attempt.catch((error: unknown) => (error as SeedError).problems);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('rateLimit.unitsPerWindow'),
        expect.stringContaining('faults.serverErrorRate'),
        expect.stringContaining('faults.on'),
      ]) as string[],
    );
  });

  it('cross-references are checked: unknown mailbox, duplicate id, merge into nothing', async () => {
    const attempt = startSimulator({ seed: { conversations: [{ id: 1, mailboxId: 9 }, { id: 2 }, { id: 2, mergedInto: 5 }] } });
    const problems = await attempt.catch((error: unknown) => (error as SeedError).problems);
    expect(problems).toEqual([
      'conversations[0].mailboxId: no mailbox 9',
      'conversations[1].id: conversation 2 is defined twice',
      'conversations[2].id: conversation 2 is defined twice',
      'conversations[2].mergedInto: no other conversation 5',
    ]);
  });

  it('users take alternateEmails, role, type and invited; wrong ones and duplicate ids are refused', async () => {
    const sim = await startTestSimulator({
      users: [{ id: 3, firstName: 'Ivy', lastName: 'Invited', email: 'ivy@example.com', alternateEmails: ['ivy@old.example.com'], role: 'admin', type: 'user', invited: true }],
    });
    expect(sim.state.users.get(3)).toEqual({
      id: 3,
      firstName: 'Ivy',
      lastName: 'Invited',
      email: 'ivy@example.com',
      alternateEmails: ['ivy@old.example.com'],
      role: 'admin',
      type: 'user',
      invited: true,
    });
    const attempt = startSimulator({
      seed: JSON.parse('{"users":[{"id":1,"alternateEmails":"x","role":"boss","type":"bot","invited":"yes"},{"id":1}]}') as never,
    });
    const problems = await attempt.catch((error: unknown) => (error as SeedError).problems);
    expect(problems).toEqual([
      'users[0].alternateEmails: must be an array',
      'users[0].role: must be one of owner, admin, user',
      'users[0].type: must be one of user, team',
      'users[0].invited: must be true or false',
    ]);
    const twice = await startSimulator({ seed: { users: [{ id: 1, firstName: 'A', lastName: 'B', email: 'a@example.com' }, { id: 1, firstName: 'C', lastName: 'D', email: 'c@example.com' }] } }).catch(
      (error: unknown) => (error as SeedError).problems,
    );
    expect(twice).toEqual(['users[1].id: user 1 is defined twice']);
  });

  it('a seedPath that is not JSON is refused', async () => {
    await expect(startSimulator({ seedPath: fileURLToPath(import.meta.url) })).rejects.toBeInstanceOf(SeedError);
  });

  it('seeded tags are stored lowercased and are searchable', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1, tags: ['VIP'] }] });
    expect(sim.state.conversations.get(1)?.tags).toEqual(['vip']);
    expect((await sim.api('POST', '/v2/conversations/1/notes', note())).status).toBe(201);
  });
});
