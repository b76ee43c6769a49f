import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateRows, importEnv } from '../helpers/import-env.ts';
import { spawnCli } from './harness.ts';
import { expectEveryNoteExactlyOnce } from './scenario.ts';

function useCheckpoint(configPath: string, checkpoint: string): void {
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(configPath, JSON.stringify({ ...raw, checkpoint }, null, 2));
}

describe('a checkpoint that cannot be written', () => {
  it('under a file instead of a folder: exit 3 with a clear message, and not one request sent', { timeout: 60_000 }, async () => {
    const rows = generateRows(2, 2, (t) => ({ conversation: 501 + t }));
    const env = await importEnv(rows, { conversations: [{ id: 501 }, { id: 502 }] });
    try {
      useCheckpoint(env.configPath, 'notes.csv/checkpoint.jsonl');
      const exit = await spawnCli(['run', '--config', env.configPath]).exit;
      expect(exit.code).toBe(3);
      expect(exit.stderr).toMatch(/checkpoint_unwritable.*notes\.csv/);
      expect(env.sim.state.counters.snapshot().requests).toEqual({});
    } finally {
      await env.close();
    }
  });

  it('filling up mid-run (file size limit): exit 3, and every note Help Scout holds was logged before it was sent', { timeout: 90_000 }, async () => {
    // Long note ids make the log outgrow the spool: the limit hits the checkpoint mid-delivery.
    const rows = generateRows(4, 10, (t) => ({ conversation: 401 + t })).map((r) => ({ ...r, id: `${r.id}-${'x'.repeat(120)}` }));
    const env = await importEnv(rows, { conversations: [{ id: 401 }, { id: 402 }, { id: 403 }, { id: 404 }] });
    try {
      // 24 KiB per file, like a disk that is full; node ignores SIGXFSZ, so writes fail with EFBIG.
      const exit = await spawnCli(['run', '--config', env.configPath], { shell: 'ulimit -f 24', env: { TSX_DISABLE_CACHE: '1' } }).exit;
      expect(exit.code, exit.stderr).toBe(3);
      expect(exit.stderr).toMatch(/checkpoint_unwritable.*checkpoint\.jsonl/);

      const logged = new Set<string>();
      for (const line of readFileSync(env.config.checkpoint, 'utf8').split('\n')) {
        if (!line.startsWith('{"t":"intent"')) continue;
        for (const key of (JSON.parse(line) as { keys: string[] }).keys) logged.add(key);
      }
      const keyOf = new Map(rows.map((r) => [r.text, `${r.ticket}:${r.id}`]));
      const landed = [...env.sim.state.conversations.values()].flatMap((c) => c.threads.filter((t) => t.imported).map((t) => keyOf.get(t.body) ?? t.body));
      expect(landed.length).toBeGreaterThan(0);
      expect(landed.length).toBeLessThan(rows.length);
      expect(landed.filter((key) => !logged.has(key))).toEqual([]);

      // Space freed: the next run resumes (the cut-off line is dropped) and finishes exactly once.
      const again = await spawnCli(['run', '--config', env.configPath]).exit;
      expect(again.code, again.stderr).toBe(0);
      expectEveryNoteExactlyOnce(env.sim, rows);
      expect(readFileSync(join(env.dir, 'state', 'checkpoint.jsonl'), 'utf8').endsWith('\n')).toBe(true);
    } finally {
      await env.close();
    }
  });
});
