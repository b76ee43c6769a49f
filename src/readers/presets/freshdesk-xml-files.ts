import { constants, accessSync, createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { ConfigError } from '../../core/errors.ts';

/**
 * The XML files of Freshdesk's account export ("Admin → Account → Export data"), from the zip
 * Freshdesk mails a link to, or from the folder it was unpacked into. Freshdesk writes
 * `Users{N}.xml` and `Tickets{N}.xml` / `ArchivedTickets{N}.xml` in batches of 300 records, plus
 * Companies, Groups, Forums and Solutions files this reader does not need (its export worker:
 * github.com/Ramesh-Veeriaperumal/freshconsult `lib/helpdesk/export_data_worker.rb`; Freshdesk
 * documents the export only as a support article, not its layout).
 */
export interface ExportFiles {
  /** `Users{N}.xml`, by N: read before any ticket, whatever their order in the zip. */
  readonly users: readonly ExportFile[];
  /** `Tickets{N}.xml` by N, then `ArchivedTickets{N}.xml` by N. */
  readonly tickets: readonly ExportFile[];
  close(): void;
}

export interface ExportFile {
  /** The name in the zip or folder, e.g. `Tickets0.xml`. */
  readonly name: string;
  /** A byte stream of the file, opened now (never the whole file in memory). */
  open(): Promise<Readable>;
}

/**
 * An entry that unpacks to more than this many times its packed size (and more than
 * `BOMB_FLOOR` bytes) is refused: XML text packs 5-20:1, a zip bomb about 1000:1.
 */
const MAX_RATIO = 200;
const BOMB_FLOOR = 1 << 20;

const FILE_NAME = /^(Users|Tickets|ArchivedTickets)(\d*)\.xml$/;
const ORDER = ['Users', 'Tickets', 'ArchivedTickets'];

/** Fails now, before any pipeline starts, when `path` is neither a readable file nor a folder. */
export function assertReadableExport(path: string): void {
  try {
    const stats = statSync(path);
    if (!stats.isFile() && !stats.isDirectory()) throw new ConfigError([`source.path: ${path} is neither the export's zip nor its folder`]);
    accessSync(path, constants.R_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`source.path: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}

/** The export's users and tickets files; a zip that cannot be read, or has none, is a ConfigError. */
export async function exportFiles(path: string): Promise<ExportFiles> {
  const files = statSync(path).isDirectory() ? folderFiles(path) : await zipFiles(path);
  if (files.tickets.length === 0) {
    files.close();
    throw new ConfigError([`source.path: ${path} holds no Tickets{N}.xml or ArchivedTickets{N}.xml: is it Freshdesk's account export (the zip, or the folder it was unpacked into)?`]);
  }
  return files;
}

function folderFiles(dir: string): ExportFiles {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && FILE_NAME.test(entry.name))
    .map(({ name }): ExportFile => ({ name, open: () => Promise.resolve(createReadStream(join(dir, name), { highWaterMark: 256 * 1024 })) }));
  return sorted(files, () => undefined);
}

async function zipFiles(path: string): Promise<ExportFiles> {
  let zip: ZipFile;
  try {
    // yauzl refuses absolute and `..` entry names (zip slip) and entries longer than they say.
    zip = await openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (error) {
    throw notAZip(path, error);
  }
  try {
    const files: ExportFile[] = [];
    for (const entry of await entriesOf(zip)) {
      const name = basename(entry.fileName);
      if (!FILE_NAME.test(name)) continue;
      refuseSuspicious(entry, path);
      files.push({ name, open: () => openEntry(zip, entry, path) });
    }
    return sorted(files, () => {
      zip.close();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** The central directory's entries (names and sizes only: a few hundred, whatever the export's size). */
function entriesOf(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => {
      resolve(entries);
    });
    zip.on('error', (error: Error) => {
      reject(new ConfigError([`source.path: the zip's entries cannot be read (${error.message})`]));
    });
    zip.readEntry();
  });
}

function refuseSuspicious(entry: Entry, path: string): void {
  if (entry.isEncrypted()) throw new ConfigError([`source.path: ${entry.fileName} in ${path} is encrypted; unpack the export and give its folder`]);
  if (entry.uncompressedSize > BOMB_FLOOR && entry.uncompressedSize > MAX_RATIO * Math.max(entry.compressedSize, 1)) {
    throw new ConfigError([
      `source.path: ${entry.fileName} in ${path} claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} packed (more than ${MAX_RATIO}:1, like a zip bomb); it is not read`,
    ]);
  }
}

async function openEntry(zip: ZipFile, entry: Entry, path: string): Promise<Readable> {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw notAZip(path, error);
  }
}

function notAZip(path: string, error: unknown): ConfigError {
  return new ConfigError([`source.path: ${path} is not a readable zip (${(error as Error).message})`]);
}

/** Users first, then live tickets, then archived ones, each by batch number (`Tickets10` after `Tickets9`). */
function sorted(files: readonly ExportFile[], close: () => void): ExportFiles {
  const keyed = files.map((file) => {
    const [, kind = '', batch = ''] = FILE_NAME.exec(file.name) ?? [];
    return { file, kind: ORDER.indexOf(kind), batch: batch === '' ? -1 : Number(batch) };
  });
  keyed.sort((a, b) => a.kind - b.kind || a.batch - b.batch);
  return {
    users: keyed.filter((k) => k.kind === 0).map((k) => k.file),
    tickets: keyed.filter((k) => k.kind > 0).map((k) => k.file),
    close,
  };
}
