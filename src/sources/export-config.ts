import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { PlatformExport } from './platform.ts';
import { readState, STATE_DIR } from './export-state.ts';

export const CONFIG_FILE = 'import.config.json';
/** Where `run` keeps its checkpoint (and so the attachment store) for a first export: inside it. */
const OWN_CHECKPOINT = '.hs-import/checkpoint.jsonl';
const FILL_IN_MAILBOX = 'FILL IN: the id of the Help Scout mailbox for new conversations';

/** The environment variable `fetch-attachments` reads the attachment credential from: a name, never a value. */
export function attachmentAuthEnv(platform: PlatformExport): string {
  return `${platform.platform.toUpperCase()}_ATTACHMENT_AUTHORIZATION`;
}

/**
 * The `--since` of an export: a date, or a previous export folder whose high-water mark and
 * checkpoint this one continues (DESIGN §7: a delta imports with `run --delta` against the
 * same checkpoint and attachment store as the first import).
 */
export interface SinceChoice {
  readonly since: Date | undefined;
  /** Absolute path of the checkpoint `run` will use. */
  readonly checkpoint: string;
}

export function resolveSince(out: string, since: string | undefined, platform: PlatformExport['platform']): SinceChoice {
  const own = resolve(out, OWN_CHECKPOINT);
  if (since === undefined) return { since: undefined, checkpoint: own };
  if (existsSync(since)) {
    const previous = readState(since);
    if (previous === undefined) throw new ConfigError([`--since: ${since} is a folder but holds no export (no state in ${join(since, STATE_DIR)})`]);
    if (previous.platform !== platform) throw new ConfigError([`--since: ${since} holds an export from ${previous.platform}, not ${platform}`]);
    if (!previous.finished) throw new ConfigError([`--since: the export in ${since} has not finished; run it again to complete it first`]);
    if (resolve(since) === resolve(out)) throw new ConfigError(['--since: names the --out folder itself; a later export goes into a new folder']);
    return { since: new Date(previous.highWater), checkpoint: previous.checkpoint };
  }
  const date = /^\d{4}-\d{2}-\d{2}/.test(since) ? new Date(since) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new ConfigError([`--since: ${JSON.stringify(since)} is neither a date (2024-01-31, 2024-01-31T12:00:00Z) nor an export folder`]);
  return { since: date, checkpoint: own };
}

/**
 * `<out>/import.config.json` (DESIGN §3): the platform's `source`, the attachment hosts (and the
 * name of the variable holding their credential, when they need one), the checkpoint, and a
 * `target` whose mailbox the user fills in. Help Scout's credentials come from the environment.
 * A config the user already edited is left alone.
 */
export function writeImportConfig(out: string, platform: PlatformExport, checkpoint: string): { path: string; written: boolean } {
  const path = join(out, CONFIG_FILE);
  if (existsSync(path) && !readFileSync(path, 'utf8').includes(FILL_IN_MAILBOX)) return { path, written: false };
  const attachments = { hosts: platform.attachmentHosts, ...(platform.attachmentsNeedAuth ? { authEnv: attachmentAuthEnv(platform) } : {}) };
  const config = {
    source: { ...platform.importSource(), attachments },
    target: { baseUrl: 'https://api.helpscout.net', mailboxId: FILL_IN_MAILBOX, plan: 'standard' },
    checkpoint: portable(relative(out, checkpoint)),
    // This export's own import reports, even when its checkpoint is a previous export's.
    reports: '.hs-import/reports',
  };
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
  return { path, written: true };
}

/** Config paths are written with `/` whatever the platform, as the README's examples are. */
function portable(path: string): string {
  return path.split(sep).join('/');
}
