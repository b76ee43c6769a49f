import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.ts';
import { ENV, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  // The planted `state` (a file, or a folder with a link to /dev/full) goes with the temp folder.
  await env?.close();
  env = undefined;
});

/**
 * The state folder (checkpoint, lock, spool) cannot take writes. Tests run as root here, so a
 * read-only folder would not stop anything: a file where the folder should be, and a spool
 * that is /dev/full (every write fails ENOSPC, as on a full disk), stop it for anyone.
 */
const UNWRITABLE: [string, (dir: string) => void][] = [
  [
    'a file where the state folder should be',
    (dir) => {
      writeFileSync(join(dir, 'state'), 'not a folder');
    },
  ],
  [
    'a full disk under the spool (ENOSPC)',
    (dir) => {
      mkdirSync(join(dir, 'state'));
      symlinkSync('/dev/full', join(dir, 'state', 'checkpoint.jsonl.spool'));
    },
  ],
  [
    'a full disk under the resume index (ENOSPC)',
    (dir) => {
      mkdirSync(join(dir, 'state'));
      symlinkSync('/dev/full', join(dir, 'state', 'checkpoint.jsonl.index.tmp'));
    },
  ],
];

describe('a state folder that cannot be written', () => {
  it.each(UNWRITABLE)('%s: the run aborts with exit 3 before sending anything', async (_name, plant) => {
    env = await importEnv(generateRows(2, 3, (t) => ({ conversation: 1 + t })), { conversations: [{ id: 1 }, { id: 2 }] });
    plant(env.dir);
    const run = await runCli(['run', '--config', env.configPath], ENV);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/hs-import: aborted \(checkpoint_unwritable\)/);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    const counters = env.sim.state.counters.snapshot();
    expect({ requests: counters.requests, notes: counters.notesCreated }).toEqual({ requests: {}, notes: 0 });
  });
});
