import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate.ts';
import { spawnCli } from '../cli/helpers.ts';

const SEED = fileURLToPath(new URL('../../fixtures/helpscout/seed.json', import.meta.url));

describe('hs-import simulate', () => {
  it('starts the simulator and prints its URL and the demo credentials', async () => {
    const lines: string[] = [];
    const sim = await simulateCommand({ port: 0 }, (line) => lines.push(line));
    try {
      expect(lines[0]).toBe(`Help Scout simulator listening on ${sim.url}`);
      expect(lines).toContain('HELPSCOUT_APP_ID=demo-app-id');
      expect((await fetch(`${sim.url}/__sim/state`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('never prints a secret from a seed file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-sim-'));
    const seedPath = join(dir, 'seed.json');
    await writeFile(seedPath, JSON.stringify({ credentials: [{ appId: 'real-app', appSecret: 'real-secret-123' }] }));
    const lines: string[] = [];
    const sim = await simulateCommand({ port: 0, seedPath }, (line) => lines.push(line));
    try {
      expect(lines).toContain('credentials from seed file');
      expect(lines.join('\n')).not.toContain('real-secret-123');
    } finally {
      await sim.close();
    }
  });
});

describe('hs-import simulate, as a process', () => {
  it('`hs-import simulate --port 0 --seed file` prints its URL, serves the seed over HTTP and exits 0 on SIGTERM', async () => {
    const child = spawnCli(['simulate', '--port', '0', '--seed', SEED]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(seen);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        void child.result.then((r) => {
          reject(new Error(`simulate exited early (${String(r.code)}): ${r.stderr}`));
        });
      });
      const token = await fetch(`${url}/v2/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=demo-app-id&client_secret=demo-app-secret',
      });
      const { access_token } = (await token.json()) as { access_token: string };
      const conversation = await fetch(`${url}/v2/conversations/1003`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(((await conversation.json()) as { threads: number }).threads).toBe(5);
      expect(conversation.headers.get('x-ratelimit-limit-minute')).toBe('200');
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child.result;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('access_token');
  }, 30_000);
});
