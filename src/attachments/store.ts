import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFully } from '../core/write-fully.ts';
import type { RemoteState } from '../mapper/remote-attachments.ts';

/** What the store knows of one link; the last line for a link wins. */
export type ManifestEntry =
  | { readonly link: string; readonly status: 'stored'; readonly sha256: string; readonly bytes: number; readonly mimeType: string; readonly at: number }
  | { readonly link: string; readonly status: 'failed'; readonly reason: FailureReason; readonly message: string; readonly at: number };

export type FailureReason = 'attachment_host_not_allowed' | 'attachment_unavailable' | 'attachment_too_large';

/**
 * The content-addressed store of DESIGN §9: `<state>/attachments/<sha256>` plus `manifest.jsonl`.
 * A blob is renamed into place only once complete, and its manifest line is appended after that:
 * a kill leaves at worst a blob without a line (fetched again, same name) or a torn last line
 * (ignored). Nothing here ever holds a credential: only links, hashes and reasons.
 */
export class AttachmentStore {
  readonly dir: string;
  private readonly manifestPath: string;
  private readonly entries = new Map<string, ManifestEntry>();
  private fd: number | undefined;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'attachments');
    this.manifestPath = join(this.dir, 'manifest.jsonl');
    if (!existsSync(this.manifestPath)) return;
    for (const line of readFileSync(this.manifestPath, 'utf8').split('\n')) {
      const entry = parseLine(line);
      if (entry !== undefined) this.entries.set(entry.link, entry);
    }
  }

  get(link: string): ManifestEntry | undefined {
    const entry = this.entries.get(link);
    // A stored line whose blob was deleted by hand, or cut short by a power cut (blobs are not
    // fsynced one by one), is no longer stored.
    if (entry?.status === 'stored' && statSync(this.blobPath(entry.sha256), { throwIfNoEntry: false })?.size !== entry.bytes) return undefined;
    return entry;
  }

  blobPath(sha256: string): string {
    return join(this.dir, sha256);
  }

  /** Where a download is written before it is complete; unique per download. */
  tempPath(id: number): string {
    return join(this.dir, 'tmp', `${process.pid}-${id}.part`);
  }

  record(entry: ManifestEntry): void {
    this.entries.set(entry.link, entry);
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(this.manifestPath, 'a');
    }
    // One write per line: a kill keeps it whole, or torn at the very end. Not synced line by line
    // (an fsync per download halved the download speed; on ext4 even a periodic one drags every
    // blob's data to disk with it): a line a power cut loses only means that file is fetched
    // again. close() syncs the manifest once.
    writeFully(this.fd, Buffer.from(JSON.stringify(entry) + '\n'));
  }

  /** For the mapper: what a link is now, as a pure value. */
  stateOf(link: string): RemoteState | undefined {
    const entry = this.get(link);
    if (entry === undefined) return undefined;
    return entry.status === 'stored'
      ? { kind: 'stored', path: this.blobPath(entry.sha256), size: entry.bytes, mimeType: entry.mimeType }
      : { kind: 'failed', reason: entry.reason, message: entry.message };
  }

  /** The manifest on disk: before a save that names these files as stored (the export's durable save). */
  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    this.fd = undefined;
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

function parseLine(line: string): ManifestEntry | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const e = value as Record<string, unknown>;
  if (typeof e.link !== 'string') return undefined;
  if (e.status === 'stored' && typeof e.sha256 === 'string' && SHA256.test(e.sha256) && typeof e.bytes === 'number') return e as unknown as ManifestEntry;
  if (e.status === 'failed' && typeof e.reason === 'string' && typeof e.message === 'string') return e as unknown as ManifestEntry;
  return undefined;
}
