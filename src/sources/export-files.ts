import { closeSync, createReadStream, existsSync, fsyncSync, openSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, FatalError } from '../core/errors.ts';
import { writeFully } from '../core/write-fully.ts';
import { asObject, asText } from '../readers/presets/json-value.ts';
import type { ExportRecord } from './platform.ts';

/**
 * The platform's output files, appended a batch at a time. Opening cuts each file back to the
 * length the state saved: what a kill left after the last save is written again by the walk.
 */
export class ExportFiles {
  private readonly fds = new Map<string, number>();
  private readonly lengthOf = new Map<string, number>();

  constructor(
    private readonly out: string,
    names: readonly string[],
    saved: Readonly<Record<string, number>>,
  ) {
    for (const name of names) {
      const path = join(out, name);
      const length = saved[name] ?? 0;
      const size = existsSync(path) ? statSync(path).size : 0;
      // Only a lost power can leave a file shorter than its last save: records are missing, say so.
      if (size < length) throw new ConfigError([`--out: ${name} holds ${size} bytes where the export's last save says ${length} (the machine stopped before they reached the disk?): export again into a new folder`]);
      if (size > length) truncateSync(path, length);
      const fd = openSync(path, 'a');
      this.fds.set(name, fd);
      this.lengthOf.set(name, statSync(path).size);
    }
  }

  /** One JSON line per record, one write per file (in the page cache: a kill keeps it; `sync` for a power cut). */
  append(records: readonly ExportRecord[]): Record<string, number> {
    const lines = new Map<string, string[]>();
    for (const record of records) {
      if (!this.fds.has(record.file)) throw new FatalError('export_unknown_file', `the walk wrote to ${record.file}, which is not one of its files (${[...this.fds.keys()].join(', ')})`);
      const list = lines.get(record.file) ?? [];
      list.push(JSON.stringify(record.value) + '\n');
      lines.set(record.file, list);
    }
    const counts: Record<string, number> = {};
    for (const [name, list] of lines) {
      const fd = this.fds.get(name) ?? 0;
      const bytes = Buffer.from(list.join(''));
      writeFully(fd, bytes);
      this.lengthOf.set(name, (this.lengthOf.get(name) ?? 0) + bytes.length);
      counts[name] = list.length;
    }
    return counts;
  }

  /** Everything appended so far on disk, before a durable save names its lengths. */
  sync(): void {
    for (const fd of this.fds.values()) fsyncSync(fd);
  }

  lengths(): Record<string, number> {
    return Object.fromEntries(this.lengthOf);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** The values an output file holds, one JSON line each: a walk's `written` (the file is already cut back). */
export async function* writtenValues(out: string, name: string): AsyncGenerator {
  const path = join(out, name);
  if (!existsSync(path)) return;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line !== '') yield JSON.parse(line);
}

/**
 * The ids (`id`, as text) of the values an output file holds, from a walk's `written`: after a
 * kill the file holds exactly what earlier batches wrote, and none of those is written again.
 */
export async function idsWritten(written: ((file: string) => AsyncIterable<unknown>) | undefined, file: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (written === undefined) return ids;
  for await (const value of written(file)) {
    const id = asText(asObject(value)?.id);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}
