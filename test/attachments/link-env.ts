import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ImportConfig } from '../../src/config/load.ts';
import type { SimThread } from '../../src/simulator/index.ts';
import { csvOf, ENV, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';

/** The credential of the old help desk, as `source.attachments.authEnv` names it. */
export const AUTH_ENV = 'ZD_TEST_AUTH';
export const AUTH = 'Basic ZGVzay1zZWNyZXQtOWI4YzdkNmU=';
export const RUN_ENV = { ...ENV, [AUTH_ENV]: AUTH };

/** Rows with an `attachments` cell each (a JSON array), and a config that fetches them from the listed hosts. */
export async function linkEnv(
  rows: readonly (NoteRow & { attachments?: readonly unknown[] })[],
  options: { hosts: readonly string[]; maxAttachmentBytes?: number; missingAttachment?: 'note' | 'reject' },
): Promise<{ env: ImportEnv; config: () => ImportConfig }> {
  const env = await importEnv(rows, { conversations: [{ id: 1 }] });
  const [header = '', ...lines] = csvOf(rows).trimEnd().split('\n');
  const cell = (value: readonly unknown[] | undefined): string => `"${JSON.stringify(value ?? []).replace(/"/g, '""')}"`;
  writeFileSync(join(env.dir, 'notes.csv'), [`${header},attachments`, ...lines.map((line, i) => `${line},${cell(rows[i]?.attachments)}`)].join('\n') + '\n');
  const raw = JSON.parse(readFileSync(env.configPath, 'utf8')) as { source: Record<string, unknown>; policy: Record<string, unknown> };
  raw.source.attachments = { hosts: options.hosts, authEnv: AUTH_ENV };
  raw.source.maxAttachmentBytes = options.maxAttachmentBytes ?? 100_000;
  if (options.missingAttachment) raw.policy.missingAttachment = options.missingAttachment;
  writeFileSync(env.configPath, JSON.stringify(raw, null, 2));
  return { env, config: () => loadConfig(env.configPath) };
}

/** Every imported thread in the simulator, whatever its conversation. */
export function allThreads(env: ImportEnv): SimThread[] {
  return [...env.sim.state.conversations.values()].flatMap((c) => c.threads.filter((t) => t.imported));
}

/** The one imported thread whose body contains `marker`. */
export function threadWith(env: ImportEnv, marker: string): SimThread {
  const found = allThreads(env).filter((t) => t.body.includes(marker));
  if (found.length !== 1) throw new Error(`${found.length} threads contain ${marker}`);
  return found[0] as SimThread;
}
