import { expect } from 'vitest';
import { landedNotes } from '../../src/checkpoint/landed.ts';
import type { CountersSnapshot } from '../../src/simulator/counters.ts';
import type { ImportEnv, NoteRow } from '../helpers/import-env.ts';

/** Three existing conversations (notes get thread ids from their 201s) and one new one (created: no thread ids). */
export const rows: NoteRow[] = [
  { ticket: 'A', id: '1', createdAt: '2023-01-01T10:00:00Z', text: 'A one', conversation: 11 },
  { ticket: 'A', id: '2', createdAt: '2023-01-01T10:01:00Z', text: 'A two', conversation: 11 },
  { ticket: 'A', id: '3', createdAt: '2023-01-01T10:02:00Z', text: 'A three', conversation: 11 },
  { ticket: 'B', id: '1', createdAt: '2023-01-02T10:00:00Z', text: 'B one', conversation: 12 },
  { ticket: 'B', id: '2', createdAt: '2023-01-02T10:01:00Z', text: 'B two', conversation: 12 },
  { ticket: 'D', id: '1', createdAt: '2023-01-04T10:00:00Z', text: 'D one', customerEmail: 'd@example.com', subject: 'Dee' },
  { ticket: 'D', id: '2', createdAt: '2023-01-04T10:01:00Z', text: 'D two', customerEmail: 'd@example.com', subject: 'Dee' },
  { ticket: 'E', id: '1', createdAt: '2023-01-05T10:00:00Z', text: 'E one', conversation: 13 },
];
export const seed = { conversations: [{ id: 11, threads: 1 }, { id: 12 }, { id: 13, threads: 2 }] };

/** A landed note as the checkpoint records it. */
export function landed(env: ImportEnv, key: string): { conversation: number; thread?: number } {
  const note = [...landedNotes(env.config.checkpoint)].find((n) => n.key === key);
  if (!note) throw new Error(`${key} did not land`);
  return note;
}

/** The thread holding a body, wherever it is in the simulator. */
export function threadWith(env: ImportEnv, body: string): { conversation: number; thread: number } {
  for (const c of env.sim.state.conversations.values()) {
    const t = c.threads.find((thread) => thread.body === body);
    if (t) return { conversation: c.id, thread: t.id };
  }
  throw new Error(`no thread holds ${body}`);
}

export async function control(env: ImportEnv, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${env.sim.url}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, `${path}: ${await response.text()}`).toBeLessThan(300);
}

/** Every request the simulator counted that changes something (the token request aside). */
export function writesIn(snapshot: CountersSnapshot): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(snapshot.requests).filter(([endpoint]) => !endpoint.startsWith('GET ') && !endpoint.startsWith('HEAD ') && !endpoint.includes('oauth2')));
}
