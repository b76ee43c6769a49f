import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { ImportConfig } from '../config/load.ts';

/** What in the config changes what gets imported where (not rates, not report folders). */
export function configFingerprint(config: ImportConfig): string {
  const { source, target, policy } = config;
  const relevant = {
    source,
    target: { baseUrl: target.baseUrl, simulator: target.simulator, mailboxId: target.mailboxId, user: target.user, status: target.status },
    policy,
  };
  return sha256(JSON.stringify(relevant));
}

/** The bytes of every input file: a resumed run must read the same export. */
export async function inputFingerprint(config: ImportConfig): Promise<string> {
  const hash = createHash('sha256');
  for (const path of [config.source.path, config.source.users, config.source.conversationMap]) {
    if (path === undefined || !existsSync(path)) continue;
    hash.update(path);
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 32);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
