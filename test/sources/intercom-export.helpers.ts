import { expect } from 'vitest';
import type { RunningSimulator, SimThread } from '../../src/simulator/index.ts';
import { startIntercomSim, type IntercomConversation, type IntercomSim, type IntercomSimOptions } from '../../src/source-simulators/intercom.ts';
import { intercomPlatform, intercomSettings } from '../../src/sources/intercom.ts';
import type { PlatformExport } from '../../src/sources/platform.ts';
import { expectNoneIn, importedThreads } from './export-test-env.ts';

export const TOKEN = 'ic-token-secret-77a1d00d';
export const INTERCOM_ENV = { INTERCOM_TOKEN: TOKEN };

export function startSim(options: Omit<IntercomSimOptions, 'token'>): Promise<IntercomSim> {
  return startIntercomSim({ token: TOKEN, ...options });
}

/** The platform as `--api-url` builds it from the environment, with small search pages so paging shows. */
export function platformFor(sim: IntercomSim, pageSize = 4): PlatformExport {
  return intercomPlatform({ ...intercomSettings(INTERCOM_ENV, sim.url), pageSize });
}

/** `conversation:part` keys of every message the preset imports: the first message and each part with a body or a file. */
export function messageKeys(conversations: readonly IntercomConversation[]): string[] {
  return conversations.flatMap((c) => [`${c.id}:source`, ...c.parts.filter((p) => p.body !== null || p.attachments.length > 0).map((p) => `${c.id}:${p.id}`)]).sort();
}

/**
 * Every message of `conversations` is one imported thread, found by its unique text, carrying
 * exactly its files byte for byte (the inline image too, its `<img>` replaced by its name).
 */
export function expectLandedOnce(sim: IntercomSim, helpScout: RunningSimulator, conversations: readonly IntercomConversation[]): void {
  const threads = importedThreads(helpScout);
  for (const c of conversations) {
    const messages = [{ id: 'source', body: c.source.body, attachments: c.source.attachments }, ...c.parts.filter((p) => p.body !== null)];
    for (const m of messages) {
      const marker = /<p>([^<]+)<\/p>/.exec(m.body ?? '')?.[1] ?? '';
      const found = threads.filter((t) => t.body.includes(marker));
      expect(found, `conversation ${c.id} message ${m.id}`).toHaveLength(1);
      const thread = found[0] as SimThread;
      const inline = /<img src="([^"]+)"/.exec(m.body ?? '')?.[1];
      const files = [...m.attachments.map((a) => a.url), ...(inline === undefined ? [] : [inline])];
      const expected = files.map((url) => [url.split('/').at(-1), sim.fileBytes.get(url)?.toString('base64')]).sort();
      expect(thread.attachments.map((a) => [a.fileName, a.data]).sort(), `files of ${c.id}:${m.id}`).toEqual(expected);
      if (inline !== undefined) expect(thread.body).toMatch(/\[image: screenshot-\d+\.png\]/);
    }
  }
}

/** Neither the token nor the Authorization value is in any file under `dir`. */
export function expectNoCredentialIn(dir: string): void {
  expectNoneIn(dir, [TOKEN]);
}
