import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFileServer, type RunningFileServer } from '../../src/simulator/files/file-server.ts';
import { runCli } from '../cli/helpers.ts';
import type { ImportEnv } from '../helpers/import-env.ts';
import { AUTH, AUTH_ENV, linkEnv } from './link-env.ts';

let server: RunningFileServer | undefined;
let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  await server?.close();
  env = undefined;
  server = undefined;
});

describe('hs-import fetch-attachments', () => {
  it('downloads into the store, writes fetch.md and fetch.json, exits 1 when a link failed, and is a no-op the second time', { timeout: 60_000 }, async () => {
    server = await startFileServer();
    server.route('/a.bin', { body: randomBytes(100), requireHeader: { name: 'authorization', value: AUTH } });
    server.route('/gone.bin', { status: 410 });
    const made = await linkEnv(
      [
        { ticket: 'T1', id: '1', createdAt: '2020-01-01T00:00:00Z', text: 'one', conversation: 1, attachments: [{ name: 'a.bin', url: `${server.url}/a.bin` }] },
        { ticket: 'T1', id: '2', createdAt: '2020-01-01T00:01:00Z', text: 'two', conversation: 1, attachments: [{ name: 'gone.bin', url: `${server.url}/gone.bin?sig=presigned-signature` }] },
      ],
      { hosts: ['127.0.0.1'] },
    );
    env = made.env;
    const first = await runCli(['fetch-attachments', '--config', env.configPath], { [AUTH_ENV]: AUTH });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain('1 fetched');
    expect(first.stdout).toContain('1 × attachment_unavailable');
    const json = JSON.parse(readFileSync(join(env.dir, 'reports', 'fetch.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ links: 2, fetched: 1, alreadyStored: 0, failed: 1, failedByReason: { attachment_unavailable: 1 } });
    expect(json.failures).toMatchObject([{ ticket: 'T1', id: '2', reason: 'attachment_unavailable', message: 'HTTP 410' }]);
    const md = readFileSync(join(env.dir, 'reports', 'fetch.md'), 'utf8');
    expect(md).toContain('HTTP 410');
    // A presigned signature is a credential of its own: reports show the link without its query.
    expect(md + JSON.stringify(json)).not.toContain('presigned-signature');
    expect(existsSync(join(env.dir, 'state', 'attachments', 'manifest.jsonl'))).toBe(true);

    const second = await runCli(['fetch-attachments', '--config', env.configPath], { [AUTH_ENV]: AUTH });
    expect(second.stdout).toContain('1 already stored');
    expect(server.hits('/a.bin')).toBe(1);
  });

  it('a named credential variable that is not set is a config error (exit 2), and no request is made', { timeout: 60_000 }, async () => {
    server = await startFileServer();
    const made = await linkEnv([{ ticket: 'T1', id: '1', createdAt: '2020-01-01T00:00:00Z', text: 'one', conversation: 1, attachments: [{ url: `${server.url}/a.bin` }] }], { hosts: ['127.0.0.1'] });
    env = made.env;
    const result = await runCli(['fetch-attachments', '--config', env.configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`source.attachments.authEnv: the environment variable ${AUTH_ENV} is not set`);
    expect(server.requests).toEqual([]);
  });

  it('needs no credential once every file is stored: a later run on the same config goes without it', { timeout: 60_000 }, async () => {
    server = await startFileServer();
    server.route('/a.bin', { body: randomBytes(100), requireHeader: { name: 'authorization', value: AUTH } });
    const made = await linkEnv([{ ticket: 'T1', id: '1', createdAt: '2020-01-01T00:00:00Z', text: 'one', conversation: 1, attachments: [{ name: 'a.bin', url: `${server.url}/a.bin` }] }], { hosts: ['127.0.0.1'] });
    env = made.env;
    expect((await runCli(['fetch-attachments', '--config', env.configPath], { [AUTH_ENV]: AUTH })).code).toBe(0);
    const again = await runCli(['fetch-attachments', '--config', env.configPath]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('1 already stored');
    expect(server.hits('/a.bin')).toBe(1);
  });
});
