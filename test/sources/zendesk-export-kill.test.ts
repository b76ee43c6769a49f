import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { SimRequest } from '../../src/source-simulators/sim-server.ts';
import type { ZendeskSim } from '../../src/source-simulators/zendesk.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { TICKETS_FILE, USERS_FILE } from '../../src/sources/zendesk.ts';
import { spawnCli, type Child } from '../crash/harness.ts';
import { commentKeys, expectLandedOnce, expectNoCredentialIn, importExport, importedThreads, platformFor, startHelpScout, startSim, tempDir, TOKEN, ZENDESK_ENV } from './zendesk-export.helpers.ts';

let sim: ZendeskSim | undefined;
let helpScout: RunningSimulator | undefined;
let child: Child | undefined;
const dirs: string[] = [];
afterEach(async () => {
  child?.kill();
  await sim?.close();
  await helpScout?.close();
  sim = undefined;
  helpScout = undefined;
  child = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function exportChild(s: ZendeskSim, out: string): Child {
  return spawnCli(['export', '--from', 'zendesk', '--out', out, '--api-url', s.apiUrl], { env: ZENDESK_ENV });
}

describe('hs-import export --from zendesk, killed', () => {
  it('SIGKILLed at a file download and inside the comment pages of a ticket, then run again, ends with the files of an unkilled export; the import lands every comment once', async () => {
    // Many restarts of one account: the incremental cap is not under test here.
    const s = (sim = await startSim({ tickets: 10, commentsPerTicket: 4, ticketsPageMax: 4, commentsPageMax: 2, fileEvery: 2, incrementalLimit: { requests: 1000, windowMs: 60_000 } }));
    const reference = newDir();
    await runExport(platformFor(s), { out: reference, http: { backoffMs: 5 }, fetcher: { backoffMs: 1 } });

    const out = newDir();
    // Each child is killed at the nth request of a kind, counted from its start: the request is held
    // unanswered, the child dies waiting for it (an event the simulator saw, never a timer).
    const kills: readonly { readonly at: string; readonly nth: number; readonly is: (r: SimRequest) => boolean }[] = [
      { at: 'a file download', nth: 2, is: (r) => r.path.startsWith('/attachments/') },
      { at: 'a ticket\'s second page of comments', nth: 1, is: (r) => r.query.has('page[after]') },
    ];
    for (const kill of kills) {
      const killed = exportChild(s, out);
      child = killed;
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
    const last = exportChild(s, out);
    child = last;
    const done = await last.exit;
    expect(done.code, done.stderr).toBe(0);

    for (const file of [TICKETS_FILE, USERS_FILE]) expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(reference, file), 'utf8'));
    expect(done.stdout + done.stderr).not.toContain(TOKEN);
    expectNoCredentialIn(out, s);

    sim = undefined;
    await s.close();
    helpScout = await startHelpScout();
    const run = await importExport(out, helpScout);
    const keys = commentKeys(s.tickets);
    expect(run.counts).toMatchObject({ done: keys.length, rejected: 0, inDoubt: 0 });
    expect(importedThreads(helpScout)).toHaveLength(keys.length);
    expectLandedOnce(s, helpScout, s.tickets);
  });
});
