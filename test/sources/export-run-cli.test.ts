import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startZendeskSim, type ZendeskSim } from '../../src/source-simulators/zendesk.ts';
import { readState } from '../../src/sources/export-state.ts';
import { filesUnder, spawnCli } from '../cli/helpers.ts';

const EMAIL = 'ops@acme.example';
const TOKEN = 'zd-cli-secret-0b7e41';
const ENV = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN };
const BASIC = Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64');

let sim: ZendeskSim | undefined;
let out: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (out !== undefined) rmSync(out, { recursive: true, force: true });
});

function expectNoSecret(...texts: string[]): void {
  for (const text of [...texts, ...filesUnder(out ?? '').map((f) => f.text)]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(BASIC);
  }
}

describe('hs-import export', () => {
  it('names a missing environment variable with exit 2, echoing no value', async () => {
    const { ZENDESK_EMAIL: _missing, ...partial } = ENV;
    const child = spawnCli(['export', '--from', 'zendesk', '--out', join(tmpdir(), 'never-written')], partial);
    const result = await child.result;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ZENDESK_EMAIL: not set');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('on Ctrl-C finishes the batch in flight and exits 130; the same command then finishes the export, with no credential in any file or output', async () => {
    sim = await startZendeskSim({ email: EMAIL, token: TOKEN, tickets: 12, commentsPerTicket: 2, fileEvery: 3, ticketsPageMax: 4 });
    out = mkdtempSync(join(tmpdir(), 'hs-export-cli-'));
    const args = ['export', '--from', 'zendesk', '--out', out, '--api-url', sim.apiUrl];
    const first = spawnCli(args, ENV);
    // Ctrl-C on an event the source saw (its 3rd request), never on a timer.
    sim.server.onRequest((r) => {
      if (r.n === 3) first.kill('SIGINT');
    });
    const interrupted = await first.result;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('finishing the batch in flight');
    expect(readState(out)?.finished).toBe(false);
    expect(existsSync(join(out, 'import.config.json'))).toBe(false);
    const second = await spawnCli(args, ENV).result;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('zendesk export finished: 12 tickets');
    expect(second.stdout).toContain('import config:');
    expect(readState(out)?.counts.tickets).toBe(12);
    expectNoSecret(interrupted.stdout, interrupted.stderr, second.stdout, second.stderr);
  });
});
