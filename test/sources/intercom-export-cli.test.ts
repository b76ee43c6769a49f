import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntercomSim } from '../../src/source-simulators/intercom.ts';
import { spawnCli } from '../crash/harness.ts';
import { exportTestEnv, lines } from './export-test-env.ts';
import { expectNoCredentialIn, INTERCOM_ENV, startSim, TOKEN } from './intercom-export.helpers.ts';

const env = exportTestEnv<IntercomSim>();

describe('hs-import export --from intercom (the command)', () => {
  it('exports through --api-url with the token from INTERCOM_TOKEN, printing it nowhere', async () => {
    const sim = await env.source(startSim({ conversations: 5, partsPerConversation: 4, fileEvery: 2 }));
    const out = env.newDir();
    const exit = await spawnCli(['export', '--from', 'intercom', '--out', out, '--api-url', sim.url], { env: INTERCOM_ENV }).exit;
    expect(exit.code, exit.stderr).toBe(0);
    expect(lines(join(out, 'conversations.jsonl'))).toHaveLength(5);
    expect(existsSync(join(out, 'import.config.json'))).toBe(true);
    for (const output of [exit.stdout, exit.stderr]) expect(output).not.toContain(TOKEN);
    expectNoCredentialIn(out);
  });

  it('without INTERCOM_TOKEN: exit 2 naming the variable, nothing asked of the API', async () => {
    const sim = await env.source(startSim({ conversations: 1, partsPerConversation: 1 }));
    const out = env.newDir();
    const exit = await spawnCli(['export', '--from', 'intercom', '--out', out, '--api-url', sim.url], { env: { INTERCOM_TOKEN: '' } }).exit;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('INTERCOM_TOKEN');
    expect(sim.server.requests).toHaveLength(0);
  });
});
