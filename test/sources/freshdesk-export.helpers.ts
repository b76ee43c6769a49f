import { expect } from 'vitest';
import type { RunningSimulator, SimThread } from '../../src/simulator/index.ts';
import { startFreshdeskSim, type FreshdeskSim, type FreshdeskSimOptions } from '../../src/source-simulators/freshdesk.ts';
import { freshdeskPlatform, freshdeskSettings, type FreshdeskSettings } from '../../src/sources/freshdesk.ts';
import type { CursorValue, ExportBatch, PlatformExport } from '../../src/sources/platform.ts';
import { sourceHttp } from '../../src/sources/source-http.ts';
import { expectNoneIn, importedThreads } from './export-test-env.ts';

export const API_KEY = 'fd-key-secret-7c1e9a';
export const ENV = { FRESHDESK_DOMAIN: 'acme', FRESHDESK_API_KEY: API_KEY };

export function startSim(options: Omit<FreshdeskSimOptions, 'apiKey'>): Promise<FreshdeskSim> {
  return startFreshdeskSim({ apiKey: API_KEY, ...options });
}

/** The platform as `--api-url` builds it, with the test's page cap and window. */
export function platformFor(sim: FreshdeskSim, extra: Partial<Pick<FreshdeskSettings, 'maxPages' | 'windowMs'>> = {}): PlatformExport {
  return freshdeskPlatform({ ...freshdeskSettings(ENV, sim.apiUrl), ...extra });
}

export interface Walked {
  readonly batches: ExportBatch[];
  /** The ticket records, in the order written. */
  readonly tickets: Record<string, unknown>[];
}

/**
 * Runs the walk as the runner would, without files, up to the batch that reaches `stopAfter`
 * tickets (a batch holds those already fetched, so counting batches would count timing); a
 * resume starts from the last batch's cursor with what was written so far.
 */
export async function walkAll(
  platform: PlatformExport,
  options: { from?: CursorValue | undefined; since?: Date; written?: readonly unknown[]; stopAfter?: number; onBatch?: (batch: ExportBatch) => void } = {},
): Promise<Walked> {
  const http = sourceHttp(platform, { backoffMs: 5 });
  const batches: ExportBatch[] = [];
  const tickets: Record<string, unknown>[] = [];
  const written = options.written ?? [];
  try {
    for await (const batch of platform.walk(http, {
      from: options.from,
      since: options.since,
      signal: new AbortController().signal,
      // eslint-disable-next-line @typescript-eslint/require-await -- the contract's shape is an async iterable
      written: async function* () {
        yield* written;
      },
    })) {
      batches.push(batch);
      for (const record of batch.records) tickets.push(record.value as Record<string, unknown>);
      options.onBatch?.(batch);
      if (options.stopAfter !== undefined && tickets.length >= options.stopAfter) break;
    }
  } finally {
    await http.close();
  }
  return { batches, tickets };
}

/** `ticket:message` keys of what was exported: `description` and each conversation id. */
export function messageKeys(tickets: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const t of tickets) {
    if (typeof t.description === 'string') keys.push(`${String(t.id)}:description`);
    for (const c of t.conversations as { id: number }[]) keys.push(`${String(t.id)}:${c.id}`);
  }
  return keys;
}

export function simKeys(sim: FreshdeskSim): string[] {
  return sim.messages().map((m) => `${m.ticket}:${m.id}`);
}

/** The thread holding a message: its text is unique (`… of ticket N` not followed by a digit). */
function threadsOf(threads: readonly SimThread[], text: string): SimThread[] {
  const pattern = new RegExp(`${text}(?!\\d)`);
  return threads.filter((t) => pattern.test(t.body));
}

/** Every message of the simulator is one imported thread, with exactly its files, byte for byte. */
export function expectLandedOnce(source: FreshdeskSim, target: RunningSimulator): void {
  const threads = importedThreads(target);
  const messages = source.messages();
  expect(threads).toHaveLength(messages.length);
  for (const m of messages) {
    const found = threadsOf(threads, m.html);
    expect(found, `${m.ticket}:${m.id}`).toHaveLength(1);
    const thread = found[0] as SimThread;
    const files = thread.attachments.filter((a) => !a.fileName.endsWith('.png'));
    expect(files.map((a) => [a.fileName, a.data]), `files of ${m.ticket}:${m.id}`).toEqual(m.files.map((f) => [f.name, f.body.toString('base64')]));
    const image = thread.attachments.find((a) => a.fileName.endsWith('.png'));
    if (image !== undefined) {
      expect(thread.body).toContain(`[image: ${image.fileName}]`);
      expect(Buffer.from(image.data, 'base64').toString()).toBe(`image ${image.fileName}`);
    }
  }
}

/** Neither the key nor the Authorization value it makes is in any file under `dir`. */
export function expectNoCredentialIn(dir: string): void {
  expectNoneIn(dir, [API_KEY, Buffer.from(`${API_KEY}:X`).toString('base64')]);
}
