import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENV, importEnv, importedThreads, type ImportEnv } from '../helpers/import-env.ts';
import { runCli } from '../cli/helpers.ts';
import { writeZip } from './freshdesk-xml-zip.ts';
import { FIXTURES } from './helpers.ts';

const EXPORT = join(FIXTURES, 'freshdesk-xml/export');

/** The simulator's environment with its config pointed at a Freshdesk account export in its folder. */
function useExport(env: ImportEnv, path: string): void {
  const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { source: Record<string, unknown> };
  writeFileSync(env.configPath, JSON.stringify({ ...raw, source: { format: 'freshdesk-xml', path, attribution: false } }));
}

/** Everything the simulator stored: conversations and threads of every kind. */
function writes(env: ImportEnv): number {
  const c = env.sim.state.counters.snapshot();
  return c.conversationsCreated + c.notesCreated + c.customerThreadsCreated + c.repliesCreated;
}

describe('hs-import run on a Freshdesk account export', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('imports every message of the unpacked export once; a second run sends nothing; a changed file is refused', async () => {
    env = await importEnv([]);
    cpSync(EXPORT, join(env.dir, 'export'), { recursive: true });
    useExport(env, 'export');

    const first = await runCli(['run', '--config', env.configPath], ENV);
    expect(first.code, first.stderr).toBe(0);
    const threads = [...importedThreads(env.sim).values()];
    expect(threads.map((t) => t.length).sort()).toEqual([1, 2, 2, 4]);
    const bodies = threads.flat().map((t) => t.body);
    for (const text of ['I cannot log in since <b>Monday</b>.', 'Checking the logs.', 'It works now, thanks!', 'Forwarded by someone we do not know.', 'Can I change my plan?', 'Answered long ago.']) {
      expect(bodies.filter((b) => b.includes(text))).toHaveLength(1);
    }

    const sent = writes(env);
    const again = await runCli(['run', '--config', env.configPath], ENV);
    expect(again.code, again.stderr).toBe(0);
    expect(writes(env)).toBe(sent);

    // The folder is the input: a file changed in it is another export, not a resume.
    appendFileSync(join(env.dir, 'export/Tickets1.xml'), '\n');
    const changed = await runCli(['run', '--config', env.configPath], ENV);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/export\/Tickets1\.xml: content changed/);
    expect(writes(env)).toBe(sent);
  });

  it('stops with exit 2 and sends nothing when a file of the zip is not well-formed XML', async () => {
    env = await importEnv([]);
    const cut = readFileSync(join(EXPORT, 'Tickets0.xml'), 'utf8').replace('</helpdesk-tickets>', '');
    writeZip(join(env.dir, 'export.zip'), [
      { name: 'Users0.xml', data: readFileSync(join(EXPORT, 'Users0.xml')) },
      { name: 'Tickets0.xml', data: cut },
    ]);
    useExport(env, 'export.zip');
    const run = await runCli(['run', '--config', env.configPath], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/export\.zip\/Tickets0\.xml is not well-formed XML/);
    expect(writes(env)).toBe(0);
  });
});
