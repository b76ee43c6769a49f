import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type ImportConfig } from '../../src/config/load.ts';
import type { RunProgress } from '../../src/pipeline/run-import.ts';
import { startSimulator, type RunningSimulator, type SeedFile, type SimThread } from '../../src/simulator/index.ts';

export const CREDENTIALS = { appId: 'test-app', appSecret: 'test-secret-do-not-print-4f9c' };
export const ENV = { HELPSCOUT_APP_ID: CREDENTIALS.appId, HELPSCOUT_APP_SECRET: CREDENTIALS.appSecret };

export interface NoteRow {
  ticket: string;
  id: string;
  createdAt: string;
  text: string;
  conversation?: number | string;
  customerEmail?: string;
  subject?: string;
  /** DESIGN §8: who wrote it and as what; the ticket's tags, status and customer name. */
  authorEmail?: string;
  kind?: string;
  tags?: string;
  ticketStatus?: string;
  customerName?: string;
}

export interface ImportEnv {
  readonly dir: string;
  readonly sim: RunningSimulator;
  readonly configPath: string;
  readonly config: ImportConfig;
  close(): Promise<void>;
}

const COLUMNS = ['ticket', 'id', 'createdAt', 'text', 'conversation', 'customerEmail', 'subject', 'authorEmail', 'kind', 'tags', 'ticketStatus', 'customerName'] as const;

export function csvOf(rows: readonly NoteRow[]): string {
  const cell = (v: string | number | undefined): string => {
    const s = v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** A temp folder with the notes as CSV, a simulator on loopback seeded as asked, and a config for both. */
export async function importEnv(rows: readonly NoteRow[], seed: SeedFile = {}, extra: { target?: Record<string, unknown>; policy?: Record<string, unknown> } = {}): Promise<ImportEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-import-test-'));
  writeFileSync(join(dir, 'notes.csv'), csvOf(rows));
  const sim = await startSimulator({
    seed: { credentials: [CREDENTIALS], mailboxes: [{ id: 1, name: 'Support' }], users: [{ id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' }],
      // The budget matches the config's requestsPerMinute; rate tests seed their own.
      rateLimit: { unitsPerWindow: 100_000, windowSeconds: 60 },
      ...seed,
    },
  });
  const raw = {
    source: { format: 'csv', path: 'notes.csv', attribution: false },
    target: { baseUrl: sim.url, mailboxId: 1, requestsPerMinute: 100_000, reconcileAfterSeconds: 0, ...extra.target },
    policy: { overflow: 'continue', tooOld: 'continue', ...extra.policy },
    checkpoint: 'state/checkpoint.jsonl',
    reports: 'reports',
  };
  const configPath = join(dir, 'import.config.json');
  writeFileSync(configPath, JSON.stringify(raw, null, 2));
  const config = validateConfig(raw, configPath);
  return {
    dir,
    sim,
    configPath,
    config,
    async close() {
      // Every test that imports checks it: a thread without imported: true would email a customer.
      const notImported = sim.state.counters.snapshot().threadsNotImported;
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
      expect(notImported, 'threads the simulator stored without imported: true').toBe(0);
    },
  };
}

/** Imported threads in the simulator (notes, customer threads, replies), per conversation, oldest first as stored. */
export function importedThreads(sim: RunningSimulator): Map<number, SimThread[]> {
  const out = new Map<number, SimThread[]>();
  for (const conversation of sim.state.conversations.values()) {
    const notes = conversation.threads.filter((t) => t.imported);
    if (notes.length > 0) out.set(conversation.id, notes);
  }
  return out;
}

/** How many times each body occurs among all imported notes. */
export function bodyCounts(sim: RunningSimulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const threads of importedThreads(sim).values()) for (const t of threads) counts.set(t.body, (counts.get(t.body) ?? 0) + 1);
  return counts;
}

/** Rows for `tickets` tickets of `perTicket` notes each, a minute apart, unique bodies. */
export function generateRows(tickets: number, perTicket: number, target: (ticket: number) => Partial<NoteRow> = () => ({})): NoteRow[] {
  const rows: NoteRow[] = [];
  // Far enough back that thousands of tickets a day apart stay in the past.
  const base = Date.UTC(2012, 0, 1) / 1000;
  for (let t = 0; t < tickets; t++) {
    for (let n = 0; n < perTicket; n++) {
      rows.push({
        ticket: `T${t}`,
        id: String(n),
        createdAt: new Date((base + t * 86_400 + n * 60) * 1000).toISOString().replace('.000Z', 'Z'),
        text: `body of T${t} note ${n}`,
        customerEmail: `customer${t}@example.com`,
        subject: `Ticket ${t}`,
        ...target(t),
      });
    }
  }
  return rows;
}

/** Every generated note landed exactly once, and each conversation holds its notes oldest first. */
export function expectExactlyOnceInOrder(e: ImportEnv, expected: number): void {
  const counts = bodyCounts(e.sim);
  const ours = [...counts].filter(([body]) => body.startsWith('body of '));
  expect(ours).toHaveLength(expected);
  expect(ours.filter(([, n]) => n !== 1)).toEqual([]);
  for (const threads of importedThreads(e.sim).values()) {
    const times = threads.filter((t) => t.body.startsWith('body of ')).map((t) => t.createdAt);
    expect(times).toEqual([...times].sort());
  }
  for (const c of e.sim.state.conversations.values()) expect(c.threads.length).toBeLessThanOrEqual(100);
}

/**
 * Run options that, once `afterDone` notes are done, fill conversation `id` to 99 threads as if
 * someone else wrote to it meanwhile: the next note gets a 412 and the lane is re-planned.
 */
export function fillMidRun(e: ImportEnv, id: number, afterDone: number): { options: { env: typeof ENV; onProgress: (p: RunProgress) => void }; filled: () => boolean } {
  let filled = false;
  const onProgress = (p: RunProgress): void => {
    if (filled || p.phase !== 'deliver' || p.done < afterDone) return;
    filled = true;
    const c = e.sim.state.conversations.get(id);
    const filler = c?.threads[0];
    if (c && filler) while (c.threads.length < 99) c.threads.unshift({ ...filler, id: 900_000 + c.threads.length, imported: false });
  };
  return { options: { env: ENV, onProgress }, filled: () => filled };
}

/**
 * Rows as a conversation between customer and agents (DESIGN §8), for `policy.threads: "native"`:
 * each ticket's messages take turns as customer, reply (by Ada, user 1 of every test env) and note.
 */
export function asConversation(rows: readonly NoteRow[]): NoteRow[] {
  const kinds = ['customer', 'reply', 'note'] as const;
  return rows.map((row) => {
    const kind = kinds[Number(row.id) % kinds.length] ?? 'note';
    return { ...row, kind, authorEmail: kind === 'customer' ? `${row.ticket.toLowerCase()}@customers.example` : 'ada@example.com' };
  });
}

export const THREAD_MODES = ['notes', 'native'] as const;

/** `importEnv` for one `policy.threads` mode: in native mode the rows speak as customer, agent and note. */
export function importEnvIn(threads: (typeof THREAD_MODES)[number]): typeof importEnv {
  return (rows, seed, extra) => importEnv(threads === 'native' ? asConversation(rows) : rows, seed, { ...extra, policy: { ...extra?.policy, threads } });
}
