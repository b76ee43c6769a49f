import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FreshdeskSim } from '../../src/source-simulators/freshdesk.ts';
import { spawnCli } from '../crash/harness.ts';
import { exportTestEnv, importExport, lines } from './export-test-env.ts';
import { API_KEY, ENV, expectLandedOnce, expectNoCredentialIn, messageKeys, simKeys, startSim } from './freshdesk-export.helpers.ts';

const env = exportTestEnv<FreshdeskSim>();

describe('hs-import export --from freshdesk, killed', () => {
  it('hs-import export SIGKILLed mid-walk and mid-download, then run again: every ticket once, every message lands once with its files', async () => {
    // Links expire after one download: a resume must fetch the links the API mints afresh.
    const running = await env.source(startSim({ seed: { tickets: 30, perSecond: 2, conversations: (i) => i % 4 }, linkUses: 1 }));
    const out = env.newDir();
    // Kill while the API answers its 6th request (mid-page: the cursor stands inside the list page),
    // then, in the resumed run, while its 4th file downloads (records written, cursor not yet saved).
    const points: { where: 'api' | 'file'; n: number }[] = [{ where: 'api', n: 6 }, { where: 'file', n: 4 }];
    for (const point of points) {
      const before = { api: running.server.requests.length, file: running.files.requests.length };
      const child = spawnCli(['export', '--from', 'freshdesk', '--out', out, '--api-url', running.apiUrl], { env: ENV });
      const hold = (seen: number, where: 'api' | 'file'): boolean => {
        if (where !== point.where || seen - before[where] !== point.n) return false;
        child.kill();
        return true;
      };
      running.server.hold = (r) => hold(r.n, 'api');
      running.files.hold = () => hold(running.files.requests.length, 'file');
      const killed = await child.exit;
      expect(killed.signal, `${point.where} ${point.n}: ${killed.stderr}`).toBe('SIGKILL');
      running.server.hold = () => false;
      running.files.hold = () => false;
      for (const text of [killed.stdout, killed.stderr]) expect(text).not.toContain(API_KEY);
    }
    const finished = await spawnCli(['export', '--from', 'freshdesk', '--out', out, '--api-url', running.apiUrl], { env: ENV }).exit;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout + finished.stderr).not.toContain(API_KEY);

    const tickets = lines(join(out, 'tickets.jsonl'));
    const ids = tickets.map((t) => Number(t.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(messageKeys(tickets).sort()).toEqual(simKeys(running).sort());

    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    expect(run.rejects).toEqual([]);
    expectLandedOnce(running, helpScout);
    expectNoCredentialIn(out);
  });
});
