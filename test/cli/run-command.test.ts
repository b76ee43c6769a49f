import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENV, generateRows, importEnv, importedThreads, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { csvRecords, filesUnder, runCli, spawnCli } from './helpers.ts';

const rows: NoteRow[] = [
  { ticket: 'A', id: '1', createdAt: '2023-01-01T10:00:00Z', text: 'A one', conversation: 11 },
  { ticket: 'A', id: '2', createdAt: '2023-01-01T10:01:00Z', text: '-5 degrees outside', conversation: 11 },
  { ticket: 'A', id: '3', createdAt: '2023-01-01T10:02:00Z', text: 'A three', conversation: 11 },
  { ticket: 'B', id: '1', createdAt: '2023-01-02T10:00:00Z', text: 'B lost', conversation: 999 },
  { ticket: 'C', id: '1', createdAt: 'yesterday', text: '=SUM(A1)', conversation: 12 },
  { ticket: 'C', id: '2', createdAt: 'soon', text: '@team please look', conversation: 12 },
  { ticket: 'D', id: '1', createdAt: '2023-01-04T10:00:00Z', text: 'D one', customerEmail: 'd@example.com', subject: 'Dee' },
  { ticket: 'D', id: '2', createdAt: '2023-01-04T10:01:00Z', text: 'D two', customerEmail: 'd@example.com', subject: 'Dee' },
  { ticket: 'E', id: '1', createdAt: '2023-01-05T10:00:00Z', text: 'E one', conversation: 12 },
];
const seed = { conversations: [{ id: 11, threads: 1 }, { id: 12 }] };

interface RunJson {
  simulated: boolean;
  counts: { done: number; rejected: number; inDoubt: number; left: number };
  requests: { requests: number; reads: number; writes: number; rateLimited: number; retries: number };
  rate: { unitsSpent: number; budgetPerMinute: number };
  delivery: { createsDone: number; moved: number };
  durationMs: number;
  rejectsByReason: { reason: string; count: number }[];
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The four numbers of the first summary line, as `run` and `status` print it. */
function summaryCounts(stdout: string): { done: number; rejected: number; inDoubt: number; left: number } {
  const match = /(\d+) notes done \(.*\), (\d+) rejected, (\d+) in doubt, (\d+) left/.exec(stdout);
  if (!match) throw new Error(`no summary line in:\n${stdout}`);
  const [done, rejected, inDoubt, left] = match.slice(1).map(Number) as [number, number, number, number];
  return { done, rejected, inDoubt, left };
}

describe('hs-import run', () => {
  let env: ImportEnv;
  afterEach(async () => env.close());

  it('finishes with exit 1 and reports, rejects.csv and id-map.csv that match what Help Scout holds; status says the same; the fixed rejects.csv imports', async () => {
    env = await importEnv(rows, seed);
    const logFile = join(env.dir, 'events.ndjson');
    const run = await runCli(['run', '--verbose', '--log-file', logFile, '--config', env.configPath], ENV);
    expect(run.code).toBe(1);
    // The secret and the bearer token are nowhere: not in the output, the log, the checkpoint or a report.
    const everything = [run.stdout, run.stderr, ...filesUnder(env.dir).map((f) => f.text)].join('\n');
    expect(everything).not.toContain(CREDENTIALS.appSecret);
    expect(everything).not.toMatch(/bearer/i);
    const logged = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; method?: string; path?: string });
    expect(logged.filter((e) => e.type === 'request' && e.method === 'POST' && e.path === '/v2/conversations/11/notes')).toHaveLength(3);
    expect(logged.filter((e) => e.type === 'result')).toHaveLength(9 - 2);
    expect(run.stderr).toMatch(/^POST \/v2\/conversations\/11\/notes → 201/m);

    const report = readJson<RunJson>(join(env.dir, 'reports/run.json'));
    expect(report.counts).toEqual({ done: 6, rejected: 3, inDoubt: 0, left: 0, doneBefore: 0, reconciledAtStart: 0 });
    expect(report.simulated).toBe(false);
    // The users (one page), 2 lookups (11, 12; 999 answers 404 and counts too), 4 notes + 1 create written.
    expect(report.requests).toMatchObject({ reads: 4, writes: 5, rateLimited: 0, retries: 0 });
    expect(report.rate.unitsSpent).toBe(4 + 2 * 5);
    expect(report.delivery.createsDone).toBe(1);
    expect(report.rejectsByReason.map((r) => [r.reason, r.count])).toEqual([['invalid_date', 2], ['conversation_not_found', 1]]);
    expect(summaryCounts(run.stdout)).toEqual({ done: 6, rejected: 3, inDoubt: 0, left: 0 });
    const md = readFileSync(join(env.dir, 'reports/run.md'), 'utf8');
    expect(md).toContain('| notes done | 6 |');
    expect(md).toContain('| 429 answers | 0 |');

    // Not a terminal: plain progress lines, no cursor movement.
    expect(run.stderr).toMatch(/^\[\d+s\] deliver: \d+\/6 notes, \d+ rejected, 0 × 429/m);
    expect(run.stderr).not.toContain('\x1b[');

    // rejects.csv: original fields, reason code and message; formulas shown as text.
    const rejectsText = readFileSync(join(env.dir, 'reports/rejects.csv'), 'utf8');
    expect(rejectsText.split('\n')[0]).toBe('ticket,id,createdAt,text,conversation,customerEmail,subject,authorEmail,kind,tags,ticketStatus,customerName,reason,message,file,line,field');
    expect(rejectsText).toContain(`C,1,yesterday,'=SUM(A1),12,,,,,,,,invalid_date,`);
    expect(rejectsText).toContain(`C,2,soon,'@team please look,12,,,,,,,,invalid_date,`);
    const rejects = csvRecords(rejectsText);
    expect(rejects.map((r) => [r.ticket, r.id, r.reason, r.line])).toEqual([
      ['B', '1', 'conversation_not_found', '5'],
      ['C', '1', 'invalid_date', '6'],
      ['C', '2', 'invalid_date', '7'],
    ]);
    expect(rejects.every((r) => r.message !== '')).toBe(true);

    // id-map.csv: every done note, at the conversation and thread Help Scout shows it in.
    const idMap = csvRecords(readFileSync(join(env.dir, 'reports/id-map.csv'), 'utf8'));
    expect(idMap.map((r) => `${r.ticket}:${r.note}`).sort()).toEqual(['A:1', 'A:2', 'A:3', 'D:1', 'D:2', 'E:1']);
    const threads = importedThreads(env.sim);
    for (const entry of idMap) {
      const source = rows.find((r) => r.ticket === entry.ticket && r.id === entry.note);
      const landed = threads.get(Number(entry.conversation))?.find((t) => t.body === source?.text);
      expect(landed, `${entry.ticket}:${entry.note}`).toBeDefined();
      if (entry.thread !== '') expect(String(landed?.id)).toBe(entry.thread);
    }

    const status = await runCli(['status', '--config', env.configPath]);
    expect(status.code).toBe(0);
    expect(summaryCounts(status.stdout)).toEqual({ done: 6, rejected: 3, inDoubt: 0, left: 0 });
    // Per kind: A and E into conversations 11 and 12, B's conversation missing; D into a new one.
    expect(status.stdout).toMatch(/^for existing conversations: 4 done, 1 rejected, 0 in doubt, 0 left$/m);
    expect(status.stdout).toMatch(/^for new conversations: 2 done, 0 rejected, 0 in doubt, 0 left$/m);

    // A person fixes the three rows in a text editor and feeds the file back in.
    const fixed = rejectsText.replace('yesterday', '2023-01-03T09:00:00Z').replace('soon', '2023-01-03T09:01:00Z').replace('B,1,2023-01-02T10:00:00Z,B lost,999', 'B,1,2023-01-02T10:00:00Z,B lost,12');
    writeFileSync(join(env.dir, 'fixed.csv'), fixed);
    const config = readJson<Record<string, unknown>>(env.configPath);
    const refeed = join(env.dir, 'refeed.config.json');
    writeFileSync(refeed, JSON.stringify({ ...config, source: { format: 'csv', path: 'fixed.csv', attribution: false }, checkpoint: 'state2/checkpoint.jsonl', reports: 'reports2' }));
    const again = await runCli(['run', '--config', refeed], ENV);
    expect(again.code).toBe(0);
    expect(readJson<RunJson>(join(env.dir, 'reports2/run.json')).counts).toMatchObject({ done: 3, rejected: 0 });
    // The notes land as first written: the formula escape was for spreadsheets only.
    expect(importedThreads(env.sim).get(12)?.map((t) => t.body)).toEqual(['B lost', '=SUM(A1)', '@team please look', 'E one']);
  });

  it('a reader that closes the pipe early (`| head`) does not stop the import', async () => {
    env = await importEnv(generateRows(2, 3, (t) => ({ conversation: 310 + t })), { conversations: [{ id: 310 }, { id: 311 }] });
    const child = spawnCli(['run', '--config', env.configPath], ENV);
    child.stdout?.destroy();
    const run = await child.result;
    expect(run.stderr).not.toContain('EPIPE');
    expect(run.code).toBe(0);
    expect([...importedThreads(env.sim).values()].flat()).toHaveLength(6);
  });

  it('a run that needs more than one rate window waits for the refill and finishes (the process does not exit early)', async () => {
    // 24 notes = 48 units against 20 units a window: at least three windows.
    env = await importEnv(generateRows(4, 6, (t) => ({ conversation: 300 + t })), {
      conversations: [0, 1, 2, 3].map((i) => ({ id: 300 + i })),
      rateLimit: { unitsPerWindow: 20, windowSeconds: 1 },
    }, { target: { requestsPerMinute: 20, rateWindowSeconds: 1 } });
    const run = await runCli(['run', '--config', env.configPath], ENV);
    expect(run.code).toBe(0);
    expect([...importedThreads(env.sim).values()].flat()).toHaveLength(24);
  });

  it('--limit N takes the first N tickets, --only the named ones, and a full run exits 0', async () => {
    env = await importEnv(generateRows(4, 2));
    const subjects = (): string[] => [...env.sim.state.conversations.values()].map((c) => c.subject).sort();

    const limited = await runCli(['run', '--limit', '2', '--config', env.configPath], ENV);
    expect(limited.code).toBe(0);
    expect(subjects()).toEqual(['Ticket 0', 'Ticket 1']);
    expect(readJson<RunJson>(join(env.dir, 'reports/run.json')).counts).toMatchObject({ done: 4, left: 4 });

    const only = await runCli(['run', '--only', 'T3', '--config', env.configPath], ENV);
    expect(only.code).toBe(0);
    expect(subjects()).toEqual(['Ticket 0', 'Ticket 1', 'Ticket 3']);
    expect(readJson<RunJson>(join(env.dir, 'reports/run.json')).counts).toMatchObject({ done: 6, left: 2 });
  });
});
