import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { filesUnder, runCli } from '../cli/helpers.ts';
import { generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';

/** Distinctive and new for each run, so a hit can only come from this run leaking it. */
const APP_ID = 'reliability-app';
const SECRET = `hsSecret${randomBytes(12).toString('hex')}`;
const CLI_ENV = { HELPSCOUT_APP_ID: APP_ID, HELPSCOUT_APP_SECRET: SECRET };

let env: ImportEnv | undefined;
let proxy: RecordingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await env?.close();
  proxy = undefined;
  env = undefined;
});

interface ConfigJson {
  target: Record<string, unknown>;
  reports: string;
}

function rewriteConfig(path: string, change: (raw: ConfigJson) => void): void {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as ConfigJson;
  change(raw);
  writeFileSync(path, JSON.stringify(raw, null, 2));
}

/** A non-loopback address of this machine, so "no connection was made" can be observed. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address;
}

describe('secrets never leave the process', () => {
  it('the app secret and every issued access token are absent from stdout, stderr, the log file, the reports, the checkpoint and the spool', async () => {
    const rows = [
      ...generateRows(2, 12, (t) => ({ conversation: 91 + t })),
      // New tickets: Create Conversation bodies, in-doubt creates found again by tag.
      ...generateRows(1, 6).map((r) => ({ ...r, ticket: `N${r.ticket}` })),
      // Error paths carry messages: a conversation that does not exist, one merged away.
      ...generateRows(1, 3, () => ({ conversation: 404 })).map((r) => ({ ...r, ticket: 'gone' })),
      ...generateRows(1, 3, () => ({ conversation: 95 })).map((r) => ({ ...r, ticket: 'merged' })),
    ];
    env = await importEnv(rows, {
      credentials: [{ appId: APP_ID, appSecret: SECRET }],
      conversations: [{ id: 91 }, { id: 92 }, { id: 96 }, { id: 95, mergedInto: 96 }],
      // Short-lived tokens: many are issued, each one a chance to leak.
      tokens: { expireAfterRequests: 4 },
      faults: { seed: 5, on: 'all', serverErrorRate: 0.08, resetRate: 0.05, lostResponseRate: 0.08 },
    });
    proxy = await startRecordingProxy(env.sim.url);
    const proxyUrl = proxy.url;
    rewriteConfig(env.configPath, (raw) => {
      raw.target = { ...raw.target, baseUrl: proxyUrl };
    });
    const logFile = join(env.dir, 'events.ndjson');

    const run = await runCli(['run', '--config', env.configPath, '--verbose', '--log-file', logFile], CLI_ENV);

    // The run really ran, through the error paths: rejects (exit 1), faults, many tokens.
    expect(run.stderr).not.toMatch(/aborted/);
    expect(run.code).toBe(1);
    const counters = env.sim.state.counters.snapshot();
    expect(counters.notesCreated + counters.conversationsCreated).toBeGreaterThan(0);
    expect(counters.faults.serverError + counters.faults.reset + counters.faults.lostResponse).toBeGreaterThan(0);
    const tokens = proxy.issuedTokens;
    expect(tokens.length).toBeGreaterThan(5);
    // The proxy saw every token the simulator issued, and every request used one of them.
    expect(tokens).toHaveLength(counters.tokensIssued);
    const used = new Set(proxy.requests.flatMap((r) => (r.authorization === undefined ? [] : [r.authorization.replace(/^Bearer /, '')])));
    expect([...used].filter((t) => !tokens.includes(t))).toEqual([]);
    expect(run.stderr).toMatch(/GET \/v2\/conversations\/\d+ → /);

    const written = filesUnder(env.dir);
    const names = written.map((f) => f.path);
    for (const expected of ['events.ndjson', 'run.json', 'run.md', 'rejects.csv', 'id-map.csv', 'checkpoint.jsonl', 'checkpoint.jsonl.spool', 'checkpoint.jsonl.index']) {
      expect(names.some((n) => n.endsWith(expected)), expected).toBe(true);
    }
    expect(readFileSync(logFile, 'utf8')).toMatch(/"type":"request"/);

    const needles = [
      ['the app secret', SECRET],
      ['the client credentials as Basic auth', Buffer.from(`${APP_ID}:${SECRET}`).toString('base64')],
      ...tokens.map((t, i) => [`access token #${i + 1}`, t] as const),
    ] as const;
    const haystacks: [string, string][] = [['stdout', run.stdout], ['stderr', run.stderr], ...written.map((f): [string, string] => [f.path, f.text])];
    const leaks = haystacks.flatMap(([where, text]) => needles.filter(([, needle]) => text.includes(needle)).map(([what]) => `${what} in ${where}`));
    expect(leaks).toEqual([]);
  });
});

describe('configurations that would expose credentials are refused', () => {
  it('an http:// base URL to a non-loopback host: exit 2, and no connection is ever opened to it', async () => {
    env = await importEnv(generateRows(1, 2, () => ({ conversation: 1 })));
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const host = outsideAddress() ?? '192.0.2.1';
    await new Promise<void>((resolve) => listener.listen(0, outsideAddress() === undefined ? '127.0.0.1' : host, resolve));
    const { port } = listener.address() as { port: number };
    try {
      rewriteConfig(env.configPath, (raw) => {
        raw.target = { ...raw.target, baseUrl: `http://${host}:${port}` };
      });
      const run = await runCli(['run', '--config', env.configPath], CLI_ENV);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`target.baseUrl: http:// is only allowed to a loopback host (got ${host})`);
      expect(connections).toBe(0);
      expect(existsSync(join(env.dir, 'state'))).toBe(false);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('a config file holding the secret: exit 2, nothing sent, and the message does not repeat the secret', async () => {
    env = await importEnv(generateRows(1, 2, () => ({ conversation: 1 })), { conversations: [{ id: 1 }] });
    rewriteConfig(env.configPath, (raw) => {
      // Pasted under an innocent key: only the value gives it away.
      raw.target = { ...raw.target, baseUrl: `${String(raw.target.baseUrl)}/?note=${SECRET}` };
      raw.reports = `reports-${SECRET}`;
    });
    const run = await runCli(['run', '--config', env.configPath], CLI_ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the value of HELPSCOUT_APP_SECRET appears in the config file');
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(env.sim.state.counters.snapshot().requests).toEqual({});
    expect(env.sim.state.counters.snapshot().tokensIssued).toBe(0);
  });

  // Lower case on purpose: a URL host is lowercased before it is quoted back (see the report on mixed case).
  const pasted = SECRET.toLowerCase();
  const valid = { source: { format: 'csv', path: 'notes.csv' }, target: { baseUrl: 'http://127.0.0.1:9', mailboxId: 1 } };
  it.each([
    ['as a top-level key', { ...valid, [pasted]: true }],
    ['as an unknown key inside target', { ...valid, target: { ...valid.target, [pasted]: 1 } }],
    ['as the host of an http:// base URL', { ...valid, target: { ...valid.target, baseUrl: `http://${pasted}.example.com` } }],
    ['as the value of a field that is wrong anyway', { ...valid, target: { ...valid.target, plan: pasted } }],
  ])('the secret pasted %s: refused, and no problem line quotes it back', (_where, raw) => {
    let problems: readonly string[] = [];
    try {
      validateConfig(raw, '/nowhere/import.config.json', { HELPSCOUT_APP_SECRET: pasted });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toContain('(root): the value of HELPSCOUT_APP_SECRET appears in the config file; remove it (and rotate the secret if the file was shared)');
    expect(problems.filter((line) => line.includes(pasted))).toEqual([]);
  });
});
