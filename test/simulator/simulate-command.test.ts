import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate.ts';

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
