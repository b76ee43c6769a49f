import { describe, expect, it } from 'vitest';
import { generateRows } from '../helpers/import-env.ts';
import { spawnNode } from './harness.ts';
import { crashEnv, expectCleanExit } from './scenario.ts';

/** Killed right after Help Scout stored a note, before the 201 reached the run; then run again. */
async function killAfterFirstCommitThenResume(mode: 'reconcile' | 'no-reconcile'): Promise<Map<string, number>> {
  const rows = generateRows(3, 3, (t) => ({ conversation: 301 + t }));
  const env = await crashEnv(rows, { conversations: [{ id: 301 }, { id: 302 }, { id: 303 }] });
  try {
    const first = spawnNode('test/crash/run-child.ts', [env.configPath, mode]);
    env.proxy.arm(first);
    env.proxy.onRequest = (request) => (request.write ? 'kill-after-commit' : 'forward');
    expect((await first.exit).signal).toBe('SIGKILL');
    env.proxy.onRequest = () => 'forward';
    await env.proxy.drained();
    const second = spawnNode('test/crash/run-child.ts', [env.configPath, mode]);
    env.proxy.arm(second);
    expectCleanExit(await second.exit);
    const counts = new Map<string, number>();
    for (const c of env.sim.state.conversations.values()) for (const t of c.threads) if (t.imported) counts.set(t.body, (counts.get(t.body) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(rows.map((r) => r.text).sort());
    return counts;
  } finally {
    await env.close();
  }
}

describe('reconciliation after a crash', () => {
  it('is what keeps a note stored before the kill from being posted twice', { timeout: 120_000 }, async () => {
    const [without, withIt] = await Promise.all([killAfterFirstCommitThenResume('no-reconcile'), killAfterFirstCommitThenResume('reconcile')]);
    // The note stored at the kill, and any other lane's write that was in flight with it.
    expect([...without.values()].filter((n) => n > 1).length).toBeGreaterThan(0);
    expect([...withIt.values()].every((n) => n === 1)).toBe(true);
  });
});
