import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntercomSim } from '../../src/source-simulators/intercom.ts';
import { runExport } from '../../src/sources/export-run.ts';
import { spawnNode, type ChildExit } from '../crash/harness.ts';
import { expectLandedOnce, expectNoCredentialIn, INTERCOM_ENV, messageKeys, platformFor, startSim, TOKEN } from './intercom-export.helpers.ts';
import { exportTestEnv, FETCHER, HTTP, importExport } from './export-test-env.ts';

const env = exportTestEnv<IntercomSim>();

const PAGE = 2;
const CHILD = 'test/sources/intercom-export-child.ts';

/** The export in a child process, started with the token in its environment. */
function exportChild(source: IntercomSim, out: string): Promise<ChildExit> & { kill(): void } {
  const child = spawnNode(CHILD, [source.url, out, String(PAGE)], { env: INTERCOM_ENV });
  return Object.assign(child.exit, { kill: () => { child.kill(); } });
}

describe('hs-import export --from intercom, killed', () => {
  it('SIGKILLed at an API request and at a download, then run again: the same files as an unkilled export, every message once in Help Scout', async () => {
    // Conversations 7 and 8 share a contact, on search pages 4 and 5 (two a page).
    const source = await env.source(startSim({ conversations: 10, partsPerConversation: 4, fileEvery: 2, linkUses: 10 }));
    const reference = env.newDir();
    await runExport(platformFor(source, PAGE), { out: reference, http: HTTP, fetcher: FETCHER });
    const apiBefore = source.server.requests.length;

    const out = env.newDir();
    // Round 1: killed while the API holds the first GET of page 5, after page 4 (and the contact of 7) was saved.
    const first = exportChild(source, out);
    const dieHere = (r: { path: string; n: number }): boolean => r.n > apiBefore && r.path === '/conversations/1008';
    source.server.hold = dieHere;
    source.server.onRequest((r) => {
      if (dieHere(r)) first.kill();
    });
    expect((await first).signal).toBe('SIGKILL');
    source.server.hold = () => false;
    const apiAtRound2 = source.server.requests.length;

    // Round 2: killed while the file server holds the first download of the resumed run.
    const second = exportChild(source, out);
    source.files.hold = () => {
      second.kill();
      return true;
    };
    expect((await second).signal).toBe('SIGKILL');
    source.files.hold = () => false;
    // The resumed run read on from page 5: pages 1-4 were not asked again.
    expect(source.server.requests.slice(apiAtRound2).some((r) => r.url === '/conversations/1000')).toBe(false);

    // Round 3: to the end.
    const last = await exportChild(source, out);
    expect(last.code, last.stderr).toBe(0);
    for (const output of [last.stdout, last.stderr]) expect(output).not.toContain(TOKEN);

    for (const file of ['conversations.jsonl', 'contacts.jsonl']) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(reference, file), 'utf8'));
    }
    expectNoCredentialIn(out);

    const helpScout = await env.helpScout();
    const run = await importExport(out, helpScout);
    expect(run.rejects).toEqual([]);
    const keys = messageKeys(source.conversations);
    expect([...run.landed()].map((n) => n.key).filter((k) => keys.includes(k)).sort()).toEqual(keys);
    expectLandedOnce(source, helpScout, source.conversations);
  });
});
