import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { runImport, type RunOptions, type RunResult } from '../../src/pipeline/run-import.ts';
import { startSimulator, type RunningSimulator, type SimThread } from '../../src/simulator/index.ts';
import { startZendeskSim, type ZendeskSim, type ZendeskSimOptions, type ZendeskTicket } from '../../src/source-simulators/zendesk.ts';
import type { PlatformExport } from '../../src/sources/platform.ts';
import { zendeskPlatform, zendeskSettings, type ZendeskSettings } from '../../src/sources/zendesk.ts';
import { filesUnder } from '../cli/helpers.ts';
import { CREDENTIALS, ENV as HELPSCOUT_ENV } from '../helpers/import-env.ts';

export const EMAIL = 'ops@acme.example';
export const TOKEN = 'zd-token-secret-5d81c0ffee';
export const ZENDESK_ENV = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN };

export function startSim(options: Omit<ZendeskSimOptions, 'email' | 'token'>): Promise<ZendeskSim> {
  return startZendeskSim({ email: EMAIL, token: TOKEN, ...options });
}

/** The platform as `--api-url` builds it from the environment, with a test's incremental cap or batch size. */
export function platformFor(sim: ZendeskSim, extra: Partial<Pick<ZendeskSettings, 'incrementalCap' | 'ticketsPerBatch'>> = {}): PlatformExport {
  return zendeskPlatform({ ...zendeskSettings(ZENDESK_ENV, sim.apiUrl), ...extra });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'zendesk-export-'));
}

export function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The Help Scout simulator the exported history goes into. */
export function startHelpScout(): Promise<RunningSimulator> {
  return startSimulator({
    seed: {
      credentials: [CREDENTIALS],
      mailboxes: [{ id: 1, name: 'Support' }],
      users: [{ id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' }],
      rateLimit: { unitsPerWindow: 100_000, windowSeconds: 60 },
    },
  });
}

/**
 * `hs-import run` on the `import.config.json` the export wrote, its placeholder target filled in
 * with the Help Scout simulator. The attachment credential the config names is a dummy: every
 * file must already be in the store the export filled (the tests close the source first).
 */
export async function importExport(out: string, helpScout: RunningSimulator, options: RunOptions = {}): Promise<RunResult> {
  const path = join(out, 'import.config.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { target: Record<string, unknown> };
  raw.target = { baseUrl: helpScout.url, mailboxId: 1, requestsPerMinute: 100_000, reconcileAfterSeconds: 0 };
  writeFileSync(path, JSON.stringify(raw, null, 2));
  return runImport(loadConfig(path), { env: { ...HELPSCOUT_ENV, ZENDESK_ATTACHMENT_AUTHORIZATION: 'Basic not-the-credential' }, ...options });
}

export function importedThreads(helpScout: RunningSimulator): SimThread[] {
  return [...helpScout.state.conversations.values()].flatMap((c) => c.threads.filter((t) => t.imported));
}

/** `ticket:comment` keys of the given tickets (the simulator's truth). */
export function commentKeys(tickets: readonly ZendeskTicket[]): string[] {
  return tickets.flatMap((t) => t.comments.map((c) => `${t.id}:${c.id}`)).sort();
}

/**
 * Every comment of `tickets` is one imported thread, found by its unique text, carrying exactly
 * its files byte for byte (inline images included, the `<img>` replaced by its name).
 */
export function expectLandedOnce(sim: ZendeskSim, helpScout: RunningSimulator, tickets: readonly ZendeskTicket[]): void {
  const threads = importedThreads(helpScout);
  for (const ticket of tickets) {
    for (const comment of ticket.comments) {
      const found = threads.filter((t) => t.body.includes(`${comment.body.split(' (')[0] ?? ''} (`));
      expect(found, `ticket ${ticket.id} comment ${comment.id}`).toHaveLength(1);
      const thread = found[0] as SimThread;
      const expected = comment.attachments.map((a) => [a.file_name, sim.fileBytes.get(a.content_url)?.toString('base64')]).sort();
      expect(thread.attachments.map((a) => [a.fileName, a.data]).sort(), `files of comment ${comment.id}`).toEqual(expected);
      if (comment.attachments.some((a) => a.inline)) expect(thread.body).toMatch(/\[image: screenshot-\d+\.png\]/);
    }
  }
}

/** Neither the token nor the Authorization value it makes is in any file under `dir`. */
export function expectNoCredentialIn(dir: string, sim: ZendeskSim): void {
  const base64 = sim.authorization.split(' ')[1] ?? '';
  for (const file of filesUnder(dir)) {
    expect(file.text, file.path).not.toContain(TOKEN);
    expect(file.text, file.path).not.toContain(base64);
  }
}
