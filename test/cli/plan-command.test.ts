import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENV, generateRows, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { runCli } from './helpers.ts';

/**
 * 164 rows (lines 2..165): ticket BIG has 150 notes for the empty conversation 500 (more than the 99 a
 * conversation takes), E1 has 4 good notes for conversation 501, N0..N2 have 2 notes each and
 * no conversation (3 new ones), and 4 rows are rejected for 4 different reasons.
 */
function fixtureRows(): NoteRow[] {
  const big = generateRows(1, 150, () => ({ ticket: 'BIG', conversation: 500 })).map((r) => ({ ...r, ticket: 'BIG' }));
  const fresh = generateRows(3, 2).map((r) => ({ ...r, ticket: r.ticket.replace('T', 'N') }));
  const e1 = (id: string, text: string, createdAt = '2023-04-01T10:00:00Z'): NoteRow => ({ ticket: 'E1', id, createdAt, text, conversation: 501 });
  return [
    ...big, // lines 2..151
    ...fresh, // lines 152..157
    { ticket: 'NOEMAIL', id: '1', createdAt: '2023-03-01T00:00:00Z', text: 'no email, no conversation' }, // line 158
    e1('0', 'e 0'),
    e1('1', 'e 1'),
    e1('2', 'e 2'),
    e1('9', 'bad date', 'not a date'), // line 162
    e1('1', 'the same note id again'), // line 163
    { ticket: '', id: '5', createdAt: '2023-04-01T11:00:00Z', text: 'no ticket', conversation: 501 }, // line 164
    e1('7', '=HYPERLINK("http://evil.example")'),
  ];
}

interface PlanJson {
  simulated: boolean;
  offline: boolean;
  rowsRead: number;
  notesToImport: number;
  rejected: number;
  conversations: { existing: number; new: number; continuations: number };
  notesPerConversation: { max: number; p95: number };
  estimate: { requests: { lookups: number; addNote: number; createConversation: number; linkNote: number; total: number }; units: number; minutes: number; minutesByPlan: Record<string, number> };
  unitsPerMinute: number;
  remoteRequests?: { reads: number; writes: number };
  rejectsByReason: { reason: string; count: number; examples: string[] }[];
  firstRejects: { reason: string; origin: { file: string; line: number } }[];
}

describe('hs-import plan', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('offline: sends nothing at all, says it assumed empty conversations, and counts what the fixture holds', async () => {
    env = await importEnv(fixtureRows(), {}, { target: { requestsPerMinute: undefined, plan: 'standard' } });
    const cli = await runCli(['plan', '--config', env.configPath]);
    expect(cli.code).toBe(0);
    // Not one request reached Help Scout: no token, no GET, no write.
    expect(env.sim.state.counters.snapshot().requests).toEqual({});

    const plan = JSON.parse(readFileSync(join(env.dir, 'reports/plan.json'), 'utf8')) as PlanJson;
    expect(plan.offline).toBe(true);
    expect(plan.simulated).toBe(false);
    expect(plan.rowsRead).toBe(164);
    // 150 + 6 + 4 (E1 0, 1, 2, 7); NOEMAIL is planned out, 3 rows fail reading.
    expect(plan.notesToImport).toBe(160);
    // invalid_date, duplicate_note, missing_field at reading; customer_email_missing by the planner.
    expect(plan.rejected).toBe(4);
    expect(plan.conversations).toEqual({ existing: 2, new: 3, continuations: 1 });
    expect(plan.notesPerConversation).toEqual({ max: 150, p95: 150 });
    // Conversation 500 takes 98 notes plus the note linking to its continuation (99 threads);
    // the other 52 go into one continuation. E1: 4 notes. N0..N2: one create each. One page of users (assumed offline).
    expect(plan.estimate.requests).toEqual({ lookups: 3, users: 1, addNote: 98 + 4, createConversation: 3 + 1, linkNote: 1, total: 3 + 102 + 4 + 1 });
    expect(plan.estimate.units).toBe(3 + 2 * (102 + 4 + 1));
    expect(plan.unitsPerMinute).toBe(200);
    expect(plan.estimate.minutes).toBeCloseTo(217 / 200);
    expect(plan.estimate.minutesByPlan).toEqual({ standard: 217 / 200, plus: 217 / 400, pro: 217 / 800 });
    expect(plan.rejectsByReason.map((r) => [r.reason, r.count])).toEqual([
      ['customer_email_missing', 1],
      ['duplicate_note', 1],
      ['invalid_date', 1],
      ['missing_field', 1],
    ]);
    expect(plan.rejectsByReason.find((r) => r.reason === 'invalid_date')?.examples).toEqual(['notes.csv:162 E1:9 unrecognised date "not a date"']);
    expect(plan.firstRejects.map((r) => `${r.origin.file}:${r.origin.line} ${r.reason}`)).toEqual([
      'notes.csv:158 customer_email_missing',
      'notes.csv:162 invalid_date',
      'notes.csv:163 duplicate_note',
      'notes.csv:164 missing_field',
    ]);

    const md = readFileSync(join(env.dir, 'reports/plan.md'), 'utf8');
    expect(md).toContain('assumed to exist with 0 threads');
    expect(md).toContain('| notes to import | 160 |');
    expect(md).toContain('| continuation conversations (100-thread limit) | 1 |');
    expect(md).toContain('| total | 110 | 217 |');
    expect(md).toContain('| pro | 800 | 17 s |');
    expect(md).toContain('| notes.csv:162 | E1 | 9 | invalid_date | unrecognised date "not a date" |');
    expect(md).not.toContain('[simulated]');
    expect(cli.stdout).toContain('assumed: offline plan, conversations assumed to have 0 threads');
    expect(cli.stdout).toContain('estimate: 1.1 min at 200 units/min (standard 1.1 min, plus 33 s, pro 17 s)');
  });

  it('--check-remote: only GETs, counted in the estimate, and the plan follows what Help Scout says', async () => {
    const rows: NoteRow[] = [
      ...generateRows(1, 5, () => ({ conversation: 700 })).map((r) => ({ ...r, ticket: 'A' })),
      ...generateRows(1, 2, () => ({ conversation: 701 })).map((r) => ({ ...r, ticket: 'B' })),
      ...generateRows(1, 1, () => ({ conversation: 703 })).map((r) => ({ ...r, ticket: 'C' })),
    ];
    env = await importEnv(rows, { conversations: [{ id: 700, threads: 97 }, { id: 701 }, { id: 702 }] });
    const merged = await fetch(`${env.sim.url}/__sim/merge`, { method: 'POST', body: JSON.stringify({ from: 701, into: 702 }) });
    expect(merged.status).toBe(204);

    const cli = await runCli(['plan', '--check-remote', '--config', env.configPath], ENV);
    expect(cli.code).toBe(0);
    const seen = env.sim.state.counters.snapshot();
    const methods = Object.keys(seen.requests).map((endpoint) => endpoint.split(' ')[0]);
    expect(new Set(methods)).toEqual(new Set(['POST', 'GET']));
    // The one POST is the OAuth token; nothing was created.
    expect(Object.keys(seen.requests).filter((e) => e.startsWith('POST'))).toEqual(['POST /v2/oauth2/token']);
    expect(seen.notesCreated + seen.conversationsCreated).toBe(0);
    const gets = Object.entries(seen.requests)
      .filter(([endpoint]) => endpoint.startsWith('GET'))
      .reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

    const plan = JSON.parse(readFileSync(join(env.dir, 'reports/plan.json'), 'utf8')) as PlanJson;
    expect(plan.offline).toBe(false);
    expect(plan.remoteRequests?.reads).toBe(gets);
    expect(plan.remoteRequests?.writes).toBe(0);
    expect(plan.estimate.requests.lookups).toBe(gets);
    // 700 has room for 2 threads: 1 note and the link; its 4 others go to a continuation.
    // 701 was merged into 702: its 2 notes go there. 703 does not exist: rejected.
    expect(plan.estimate.requests).toMatchObject({ addNote: 1 + 2, createConversation: 1, linkNote: 1 });
    expect(plan.conversations).toEqual({ existing: 2, new: 0, continuations: 1 });
    expect(plan.rejectsByReason.map((r) => [r.reason, r.count])).toEqual([['conversation_not_found', 1]]);
    expect(readFileSync(join(env.dir, 'reports/plan.md'), 'utf8')).toContain(`read from Help Scout with ${gets} GET requests`);
  });
});
