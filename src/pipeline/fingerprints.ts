import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileFingerprint, HeaderEvent } from '../checkpoint/events.ts';
import type { ImportConfig } from '../config/load.ts';

export interface Fingerprints {
  readonly config: string;
  readonly input: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly files: readonly FileFingerprint[];
}

/** What in the config changes what gets imported where (not rates, not report folders). */
export function configSettings(config: ImportConfig): Record<string, unknown> {
  const { source, target, policy } = config;
  // Left out at their default, so a checkpoint begun before side conversations existed resumes as it was.
  const { existing, sideThreshold, ...before } = policy;
  return {
    source,
    target: { baseUrl: target.baseUrl, simulator: target.simulator, mailboxId: target.mailboxId, user: target.user, status: target.status },
    policy: existing === 'append' ? before : policy,
  };
}

export async function fingerprintsOf(config: ImportConfig): Promise<Fingerprints> {
  const settings = configSettings(config);
  const files: FileFingerprint[] = [];
  for (const path of [config.source.path, config.source.users, config.source.conversationMap]) {
    if (path !== undefined && existsSync(path)) for (const file of filesAt(path)) files.push(await fileFingerprint(file));
  }
  return {
    config: sha256(JSON.stringify(settings)),
    input: sha256(files.map((f) => `${f.path}\n${f.sha256}`).join('\n')),
    settings,
    files,
  };
}

/** The file, or the files of a folder (an unpacked Freshdesk account export), by name. */
function filesAt(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(path, entry.name))
    .sort();
}

/** The bytes of one input file: a resumed run must read the same export. */
async function fileFingerprint(path: string): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}

/** What differs between the checkpoint's header and now, one line each; empty = the same import. */
export function describeChanges(header: HeaderEvent, now: Fingerprints): string[] {
  const changes: string[] = [];
  if (header.config !== now.config) {
    const paths = header.settings === undefined ? [] : differingPaths(header.settings, now.settings, '');
    changes.push(
      ...(paths.length > 0
        ? paths.map((p) => `${p.path}: was ${show(p.was)}, now ${show(p.now)}`)
        : ['the config changed (source, target or policy)']),
    );
  }
  if (header.input !== now.input) {
    const before = new Map((header.files ?? []).map((f) => [f.path, f]));
    const after = new Map(now.files.map((f) => [f.path, f]));
    for (const [path, was] of before) {
      const is = after.get(path);
      if (!is) changes.push(`input ${path}: no longer read (or gone)`);
      else if (is.sha256 !== was.sha256) changes.push(`input ${path}: content changed (${was.bytes} bytes then, ${is.bytes} now)`);
    }
    for (const path of after.keys()) if (!before.has(path)) changes.push(`input ${path}: read now, not when the import started`);
    if (header.files === undefined) changes.push('the input files changed since this import started');
  }
  return changes;
}

function differingPaths(was: unknown, now: unknown, prefix: string): { path: string; was: unknown; now: unknown }[] {
  if (isRecord(was) && isRecord(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    return keys.flatMap((key) => differingPaths(was[key], now[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return JSON.stringify(was) === JSON.stringify(now) ? [] : [{ path: prefix, was, now }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The target settings that make another import: a delta must write where the import began. */
const SAME_IMPORT = ['baseUrl', 'simulator', 'mailboxId'] as const;

/** Changes of account or mailbox since the checkpoint's header, one line each. */
export function targetChanges(header: HeaderEvent, now: Fingerprints): string[] {
  const was = isRecord(header.settings?.target) ? header.settings.target : {};
  const is = isRecord(now.settings.target) ? now.settings.target : {};
  return SAME_IMPORT.filter((key) => JSON.stringify(was[key]) !== JSON.stringify(is[key])).map((key) => `target.${key}: was ${show(was[key])}, now ${show(is[key])}`);
}
