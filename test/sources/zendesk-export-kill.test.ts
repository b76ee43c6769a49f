import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/source-simulators/sim-server.ts';
import type { ZendeskSim } from '../../src/source-simulators/zendesk.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { TICKETS_FILE, USERS_FILE } from '../../src/sources/zendesk.ts';
import { spawnCli, type Child } from '../crash/harness.ts';
import { exportTestEnv, FETCHER, HTTP, importedThreads, importExport } from './export-test-env.ts';
import { commentKeys, expectLandedOnce, expectNoCredentialIn, platformFor, startSim, TOKEN, ZENDESK_ENV } from './zendesk-export.helpers.ts';

const env = exportTestEnv<ZendeskSim>();

function exportChild(s: ZendeskSim, out: string): Child {
  return spawnCli(['export', '--from', 'zendesk', '--out', out, '--api-url', s.apiUrl], { env: ZENDESK_ENV });
}

describe('hs-import export --from zendesk, killed', () => {
  it('SIGKILLed at a file download and inside the comment pages of a ticket, then run again, ends with the files of an unkilled export; the import lands every comment once', async () => {
    // Many restarts of one account: the incremental cap is not under test here.
    const s = await env.source(startSim({ tickets: 10, commentsPerTicket: 4, ticketsPageMax: 4, commentsPageMax: 2, fileEvery: 2, incrementalLimit: { requests: 1000, windowMs: 60_000 } }));
    const reference = env.newDir();
    await runExport(platformFor(s), { out: reference, http: HTTP, fetcher: FETCHER });

    const out = env.newDir();
    // Each child is killed at the nth request of a kind, counted from its start: the request is held
    // unanswered, the child dies waiting for it (an event the simulator saw, never a timer).
    const kills: readonly { readonly at: string; readonly nth: number; readonly is: (r: SimRequest) => boolean }[] = [
      { at: 'a file download', nth: 2, is: (r) => r.path.startsWith('/attachments/') },
      { at: 'a ticket\'s second page of comments', nth: 1, is: (r) => r.query.has('page[after]') },
    ];
    for (const kill of kills) {
      const killed = env.child(exportChild(s, out));
      let seen = 0;
      let target: number | undefined;
      const reached = new Promise<void>((resolve) => {
        s.server.onRequest((r) => {
          if (target !== undefined || !kill.is(r) || ++seen < kill.nth) return;
          target = r.n;
          killed.kill();
          resolve();
        });
      });
      s.server.hold = (r) => r.n === target;
      await Promise.race([reached, killed.exit.then((e) => Promise.reject(new Error(`the export ended before ${kill.at}: ${e.stderr}`)))]);
      expect((await killed.exit).signal, kill.at).toBe('SIGKILL');
    }
    s.server.hold = () => false;
    const last = env.child(exportChild(s, out));
    const done = await last.exit;
    expect(done.code, done.stderr).toBe(0);

    for (const file of [TICKETS_FILE, USERS_FILE]) expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(reference, file), 'utf8'));
    expect(done.stdout + done.stderr).not.toContain(TOKEN);
    expectNoCredentialIn(out, s);

    await env.closeSource();
    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    const keys = commentKeys(s.tickets);
    expect(run.counts).toMatchObject({ done: keys.length, rejected: 0, inDoubt: 0 });
    expect(importedThreads(helpScout)).toHaveLength(keys.length);
    expectLandedOnce(s, helpScout, s.tickets);
  });
});
