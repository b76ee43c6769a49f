import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../src/attachments/store.ts';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';
import { filesUnder } from '../cli/helpers.ts';
import { KillProxy, spawnCli } from '../crash/harness.ts';
import { bodyCounts, type ImportEnv } from '../helpers/import-env.ts';
import { AUTH, AUTH_ENV, linkEnv, threadWith } from './link-env.ts';

let server: RunningFileServer | undefined;
let env: ImportEnv | undefined;
let proxy: KillProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await env?.close();
  await server?.close();
  proxy = undefined;
  env = undefined;
  server = undefined;
});

const NOTES = 10;

describe('attachments survive SIGKILL (DESIGN §4.1, §9)', () => {
  it('killed while fetching, then while delivering: every file lands once, byte-identical, and no stored file is fetched again', { timeout: 120_000 }, async () => {
    server = await startFileServer();
    const files = new Map<string, Buffer>();
    const rows = Array.from({ length: NOTES }, (_, i) => {
      const direct = `/files/${i}/direct.bin`;
      const secure = `/secure/${i}/secure.bin`;
      files.set(direct, randomBytes(2000 + i));
      files.set(secure, randomBytes(3000 + i));
      server?.route(direct, { body: files.get(direct) as Buffer });
      // Zendesk's shape: the credential, then a 302 to a one-use link on another port.
      server?.route(secure, { body: files.get(secure) as Buffer, requireHeader: { name: 'authorization', value: AUTH }, temporary: true });
      return {
        ticket: 'T1',
        id: String(i),
        createdAt: new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString().replace('.000Z', 'Z'),
        text: `attached note ${i}`,
        conversation: 1,
        attachments: [
          { name: `direct-${i}.bin`, url: `${server?.url ?? ''}${direct}` },
          { name: `secure-${i}.bin`, url: `${server?.url ?? ''}${secure}` },
        ],
      };
    });
    const made = await linkEnv(rows, { hosts: ['127.0.0.1'] });
    env = made.env;
    proxy = new KillProxy(env.sim.url);
    await proxy.start();
    const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { target: Record<string, unknown> };
    raw.target.baseUrl = proxy.url;
    raw.target.reconcileAfterSeconds = 0.3;
    writeFileSync(env.configPath, JSON.stringify(raw, null, 2));
    const config = made.config();
    const childEnv = { [AUTH_ENV]: AUTH };
    const links = rows.flatMap((r) => r.attachments.map((a) => a.url));

    // Run 1: SIGKILL at the 7th file request the server sees (some files stored, one mid-fetch).
    let seen = 0;
    const first = spawnCli(['run', '--config', env.configPath], { env: childEnv });
    server.hold = (request) => {
      if (request.listener !== 'main' || ++seen !== 7) return false;
      first.kill();
      return true;
    };
    expect((await first.exit).signal).toBe('SIGKILL');
    server.hold = () => false;
    const store = new AttachmentStore(dirname(config.checkpoint));
    const storedAfterKill = links.filter((link) => store.get(link)?.status === 'stored').map((link) => new URL(link).pathname);
    expect(storedAfterKill.length).toBeGreaterThan(0);
    expect(storedAfterKill.length).toBeLessThan(links.length);
    const hitsAfterKill = new Map(storedAfterKill.map((path) => [path, server?.hits(path) ?? 0]));

    // Run 2: everything fetched, then SIGKILL at the 4th note, stored by Help Scout but unanswered.
    let writes = 0;
    const second = spawnCli(['run', '--config', env.configPath], { env: childEnv });
    proxy.arm(second);
    proxy.onRequest = (request) => (request.write && ++writes === 4 ? 'kill-after-commit' : 'forward');
    expect((await second.exit).signal).toBe('SIGKILL');
    await proxy.drained();

    // Run 3: to the end.
    const third = spawnCli(['run', '--config', env.configPath], { env: childEnv });
    proxy.arm(third);
    proxy.onRequest = () => 'forward';
    const done = await third.exit;
    expect(done.code, done.stderr).toBe(0);

    const ours = [...bodyCounts(env.sim)].filter(([body]) => body.includes('attached note'));
    expect(ours).toHaveLength(NOTES);
    expect(ours.filter(([, n]) => n !== 1)).toEqual([]);
    for (let i = 0; i < NOTES; i++) {
      const thread = threadWith(env, `attached note ${i}`);
      const byName = new Map(thread.attachments.map((a) => [a.fileName, Buffer.from(a.data, 'base64')]));
      expect(byName.get(`direct-${i}.bin`)?.equals(files.get(`/files/${i}/direct.bin`) as Buffer), `note ${i} direct`).toBe(true);
      expect(byName.get(`secure-${i}.bin`)?.equals(files.get(`/secure/${i}/secure.bin`) as Buffer), `note ${i} secure`).toBe(true);
    }
    // What the killed run had stored was never asked for again.
    for (const [path, hits] of hitsAfterKill) expect(server.hits(path), path).toBe(hits);
    for (const path of files.keys()) expect(server.hits(path), path).toBeLessThanOrEqual(2);
    expect(server.requests.filter((r) => r.listener === 'temporary' && r.headers.authorization !== undefined)).toEqual([]);
    for (const f of filesUnder(env.dir)) expect(f.text, f.path).not.toContain(AUTH.split(' ')[1]);
  });
});
