/**
 * `node --import tsx test/checkpoint/lock-child.ts <lock> <dir>`: says `ready`, waits for
 * <dir>/go, takes the lock and says how it went; a holder keeps it until <dir>/release exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../src/checkpoint/lock.ts';

const [lockPath = '', dir = ''] = process.argv.slice(2);
const waitFor = async (file: string): Promise<void> => {
  while (!existsSync(join(dir, file))) await new Promise((resolve) => setTimeout(resolve, 2));
};
process.stdout.write('ready\n');
await waitFor('go');
try {
  const lock = acquireLock(lockPath);
  process.stdout.write(`held${lock.takeover ? ' takeover' : ''}\n`);
  await waitFor('release');
  lock.release();
} catch (error) {
  process.stdout.write(`refused ${(error as { code?: string }).code ?? ''}\n`);
}
