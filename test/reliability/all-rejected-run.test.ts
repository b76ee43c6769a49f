import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvRecords, runCli } from '../cli/helpers.ts';
import { ENV, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** One row per way a note can fail, at each stage: reading, mapping, planning, delivery. */
const ROWS: [NoteRow, string][] = [
  [{ ticket: 'A', id: '1', createdAt: 'yesterday at noon', text: 'date nobody can read', conversation: 1 }, 'invalid_date'],
  [{ ticket: 'A', id: '2', createdAt: '2999-01-01T00:00:00Z', text: 'from the future', conversation: 1 }, 'future_date'],
  [{ ticket: 'A', id: '3', createdAt: '2022-01-01T00:00:00Z', text: '', conversation: 1 }, 'empty_text'],
  [{ ticket: '', id: '4', createdAt: '2022-01-01T00:00:00Z', text: 'no ticket', conversation: 1 }, 'missing_field'],
  [{ ticket: 'B', id: '1', createdAt: '2022-01-02T00:00:00Z', text: 'new ticket, nobody to address it to' }, 'customer_email_missing'],
  [{ ticket: 'C', id: '1', createdAt: '2022-01-03T00:00:00Z', text: 'to a conversation that is not there', conversation: 404 }, 'conversation_not_found'],
  [{ ticket: 'C', id: '2', createdAt: '2022-01-03T00:01:00Z', text: 'its second note', conversation: 404 }, 'conversation_not_found'],
  [{ ticket: 'D', id: '1', createdAt: '2022-01-04T00:00:00Z', text: 'to a conversation locked as too old', conversation: 41 }, 'too_old'],
];

describe('a run in which every note is rejected', () => {
  it('writes every input row to rejects.csv with its original fields and a reason code, sends nothing, and exits 1', async () => {
    env = await importEnv(
      ROWS.map(([row]) => row),
      { conversations: [{ id: 41, tooOld: true }] },
      { policy: { tooOld: 'reject' } },
    );
    const run = await runCli(['run', '--config', env.configPath], ENV);

    expect(run.stderr).not.toMatch(/aborted/);
    expect(run.code).toBe(1);
    const counters = env.sim.state.counters.snapshot();
    expect({ notes: counters.notesCreated, conversations: counters.conversationsCreated }).toEqual({ notes: 0, conversations: 0 });

    const rejects = csvRecords(readFileSync(join(env.dir, 'reports', 'rejects.csv'), 'utf8'));
    const byLine = rejects.map((r) => [r.ticket, r.id, r.createdAt, r.text, r.reason]);
    expect(byLine).toEqual(ROWS.map(([row, reason]) => [row.ticket, row.id, row.createdAt, row.text, reason]));
    expect(rejects.map((r) => Number(r.line))).toEqual(ROWS.map((_, i) => i + 2));
    expect(rejects.filter((r) => r.message === '')).toEqual([]);
    expect(run.stdout).toMatch(/rejected.*: 2 × conversation_not_found/);
  });
});
