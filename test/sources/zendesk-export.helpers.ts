import { expect } from 'vitest';
import type { RunningSimulator, SimThread } from '../../src/simulator/index.ts';
import { startZendeskSim, type ZendeskSim, type ZendeskSimOptions, type ZendeskTicket } from '../../src/source-simulators/zendesk.ts';
import type { PlatformExport } from '../../src/sources/platform.ts';
import { zendeskPlatform, zendeskSettings, type ZendeskSettings } from '../../src/sources/zendesk.ts';
import { expectNoneIn, importedThreads } from './export-test-env.ts';

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
  expectNoneIn(dir, [TOKEN, sim.authorization.split(' ')[1] ?? '']);
}
