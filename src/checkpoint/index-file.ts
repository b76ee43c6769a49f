import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Reject } from '../core/reject.ts';
import type { ByteArenaColumns } from '../core/key-bytes.ts';
import { writeFully } from '../core/write-fully.ts';
import { COLUMN_VALUE_BYTES, NoteTable, NUMERIC_COLUMNS, type NoteTableColumns } from '../plan/note-table.ts';
import { unwritable } from './unwritable.ts';

/** What pass 1 produced: enough to plan and deliver without reading the export again. */
export interface SavedIndex {
  readonly table: NoteTable;
  readonly rejects: readonly Reject[];
  readonly rowsRead: number;
}

/** After the header, each on an 8-byte boundary: the NUMERIC_COLUMNS in order, then the packed key indexes (bytes, then where each key ends), then one JSON section. */
const PACKED = ['keys', 'ticketNames'] as const;
const SECTIONS = NUMERIC_COLUMNS.length + 2 * PACKED.length + 1;

interface IndexHeader {
  readonly v: 5;
  /** Config and input fingerprints: an index of another export or config is never used. */
  readonly fingerprint: string;
  /** The spool this index points into, by size: a spool cut short by a crash is not trusted. */
  readonly spoolBytes: number;
  readonly size: number;
  readonly rowsRead: number;
  /** Byte length of each section after the header, in order: numeric columns, then JSON. */
  readonly sections: readonly number[];
}

/** Sections start on 8-byte boundaries so typed array views need no copy. */
const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Saves pass 1 next to the spool (DESIGN §6): a resumed run plans from it instead of parsing
 * the export again. Written to a temporary file and renamed, so an index that exists is whole.
 */
export function saveIndex(path: string, fingerprint: string, spoolPath: string, index: SavedIndex): void {
  const c = index.table.columns();
  const n = index.table.size;
  const json = Buffer.from(JSON.stringify({ ticketEmail: c.ticketEmail, ticketSubject: c.ticketSubject, ticketFacts: c.ticketFacts, authorNames: c.authorNames, conversationAside: c.conversationAside, epochAside: c.epochAside, offsetAside: c.offsetAside, offsetBase: c.offsetBase, rejects: index.rejects }));
  // Each section as consecutive pieces (a column's chunks), written as they are: no copy of the table.
  const numeric: { readonly byteLength: number; readonly pieces: Iterable<ArrayBufferView> }[] = [
    ...NUMERIC_COLUMNS.map((name) => ({ byteLength: n * COLUMN_VALUE_BYTES, pieces: c[name] })),
    ...PACKED.flatMap((name) => [c[name].bytes, c[name].ends].map((array) => ({ byteLength: array.byteLength, pieces: [array] }))),
  ];
  const header: IndexHeader = {
    v: 5,
    fingerprint,
    spoolBytes: statSync(spoolPath).size,
    size: index.table.size,
    rowsRead: index.rowsRead,
    sections: [...numeric.map((section) => section.byteLength), json.length],
  };
  const temporary = `${path}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      let at = writeBlock(fd, 0, Buffer.from(JSON.stringify(header) + '\n'));
      for (const section of numeric) {
        let written = 0;
        for (const piece of section.pieces) {
          written += writeFully(fd, new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength), at + written);
        }
        if (written !== section.byteLength) throw new Error(`index section of ${written} bytes where ${section.byteLength} were announced`);
        at += pad8(written);
      }
      writeBlock(fd, at, json);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    throw unwritable('the resume index', path, error, 'nothing was sent');
  }
}

/** The saved index when it belongs to this config, input and spool; undefined means index again. */
export function loadIndex(path: string, fingerprint: string, spoolPath: string): SavedIndex | undefined {
  if (!existsSync(path) || !existsSync(spoolPath)) return undefined;
  const file = readFileSync(path);
  const newline = file.indexOf(10);
  if (newline < 0) return undefined;
  let header: IndexHeader;
  try {
    header = JSON.parse(file.subarray(0, newline).toString('utf8')) as IndexHeader;
  } catch {
    return undefined;
  }
  if (header.v !== 5 || header.fingerprint !== fingerprint || header.spoolBytes !== statSync(spoolPath).size) return undefined;
  if (header.sections.length !== SECTIONS) return undefined;
  // A fresh ArrayBuffer at offset 0: every section offset is then 8-aligned.
  const aligned = file.byteOffset % 8 === 0;
  const buffer = aligned ? file.buffer : file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const base = aligned ? file.byteOffset : 0;
  let at = base + pad8(newline + 1);
  const next = (bytes: number): number => {
    const start = at;
    at += pad8(bytes);
    return start;
  };
  const n = header.size;
  const [ticketOf, conversationOf, epochOf, bytesOf, offsetOf, lengthOf, lineOf, contentOf, authorOf, kindOf, keyBytes, keyEnds, ticketBytes, ticketEnds, jsonStart] = header.sections.map(next);
  const size = (section: number): number => header.sections[section] ?? 0;
  const json = JSON.parse(Buffer.from(buffer, jsonStart, size(SECTIONS - 1)).toString('utf8')) as Pick<NoteTableColumns, 'ticketEmail' | 'ticketSubject' | 'ticketFacts' | 'authorNames' | 'conversationAside' | 'epochAside' | 'offsetAside' | 'offsetBase'> & { rejects: Reject[] };
  const packed = (bytes: number | undefined, ends: number | undefined, section: number): ByteArenaColumns => ({
    bytes: new Uint8Array(buffer, bytes, size(section)),
    ends: new Uint32Array(buffer, ends, size(section + 1) / 4),
  });
  const table = NoteTable.fromColumns({
    keys: packed(keyBytes, keyEnds, NUMERIC_COLUMNS.length),
    ticketNames: packed(ticketBytes, ticketEnds, NUMERIC_COLUMNS.length + 2),
    ticketEmail: json.ticketEmail,
    ticketSubject: json.ticketSubject,
    ticketFacts: json.ticketFacts,
    authorNames: json.authorNames,
    conversationAside: json.conversationAside,
    epochAside: json.epochAside,
    offsetAside: json.offsetAside,
    offsetBase: json.offsetBase,
    ticketOf: new Int32Array(buffer, ticketOf, n),
    conversationOf: new Uint32Array(buffer, conversationOf, n),
    epochOf: new Uint32Array(buffer, epochOf, n),
    bytesOf: new Int32Array(buffer, bytesOf, n),
    offsetOf: new Uint32Array(buffer, offsetOf, n),
    lengthOf: new Int32Array(buffer, lengthOf, n),
    lineOf: new Int32Array(buffer, lineOf, n),
    contentOf: new Uint32Array(buffer, contentOf, n),
    authorOf: new Uint32Array(buffer, authorOf, n),
    kindOf: new Uint32Array(buffer, kindOf, n),
  });
  return { table, rejects: json.rejects, rowsRead: header.rowsRead };
}

/** Removes a saved index (a new import starts from the export). */
export function dropIndex(path: string): void {
  rmSync(path, { force: true });
}

function writeBlock(fd: number, at: number, bytes: Buffer): number {
  return at + pad8(writeFully(fd, bytes, at));
}
