import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { Parser, type CsvError, type Options } from 'csv-parse';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import type { Origin, Reject } from '../core/reject.ts';
import { columnNames, missingRequiredColumns, noteFromCells, type ColumnNames } from './canonical-row.ts';
import { FastCsvSplitter, type FastEncoding, type SplitRecord } from './csv-fast-split.ts';
import { CsvHeader } from './csv-header.ts';
import { CsvLineTracker } from './csv-lines.ts';
import { SplitThread } from './csv-split-thread.ts';
import { FileChunks } from './file-chunks.ts';
import { assertReadableFile, readFailure } from './input-file.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from './inspect-attachments.ts';
import type { SourceItem, SourceReader } from './source-note.ts';

type Source = ImportConfig['source'];

/** A field longer than this is a broken quote swallowing the file, not data: reject, don't buffer on. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** What either splitter gives, in file order: a record, or one csv-parse could not read. */
type CsvEntry = SplitRecord | { readonly kind: 'unreadable'; readonly reject: Reject };

/**
 * Who splits the file into records: the fast splitter until a record it leaves alone, then
 * csv-parse (always), the splitter on a thread of its own for a file of ON_OWN_THREAD_BYTES or
 * more when there is a second core; the same on this thread or on its own whatever the size and
 * cores; or csv-parse alone. Tests compare the others with the last.
 */
export type CsvSplitting = 'fast-then-csv-parse' | 'fast-on-this-thread' | 'fast-on-own-thread' | 'csv-parse';

/**
 * From this size, the splitter reads ahead on its own thread (see SplitThread): a thread costs a
 * few milliseconds to start (more when it must load TypeScript through tsx) and a few megabytes.
 */
export const ON_OWN_THREAD_BYTES = 16 * 1024 * 1024;

/** Whether this export is split on a thread of its own: large enough, and a second core to run it on (on one, it would only add its copies). */
function onOwnThread(path: string, splitting: CsvSplitting): boolean {
  if (splitting !== 'fast-then-csv-parse') return splitting === 'fast-on-own-thread';
  return availableParallelism() > 1 && statSync(path).size >= ON_OWN_THREAD_BYTES;
}

/**
 * Canonical CSV (DESIGN §3): BOM, quoted newlines/commas/quotes, CRLF or LF (even mixed),
 * `delimiter`, `encoding`, `columns` renames. A header without a required column is a
 * ConfigError before any row; a malformed row is a reject and reading goes on.
 */
export function readCsv(source: Source, splitting: CsvSplitting = 'fast-then-csv-parse'): SourceReader {
  return { [Symbol.asyncIterator]: () => new CsvItems(source, splitting) };
}

/**
 * The reader's iterator, written out: an async generator's suspend and resume per row cost as
 * much as splitting the row.
 */
class CsvItems implements AsyncIterator<SourceItem> {
  private readonly file: string;
  private readonly names: ColumnNames;
  private readonly exportDir: string;
  private readonly inputs = new OpenInputs();
  private readonly entries: AsyncGenerator<readonly CsvEntry[]>;
  private header: CsvHeader | undefined;
  private batch: readonly CsvEntry[] = [];
  private at = 0;
  private finished = false;

  constructor(source: Source, splitting: CsvSplitting) {
    this.file = source.path;
    this.names = columnNames(source.columns);
    assertReadableFile(this.file, 'source.path');
    this.exportDir = exportDirOf(this.file);
    this.entries = csvEntries(source, splitting, this.inputs);
  }

  next(): Promise<IteratorResult<SourceItem>> {
    try {
      while (this.at < this.batch.length) {
        const item = this.itemOf(this.batch[this.at++] as CsvEntry);
        if (item === undefined) continue;
        if (!(item instanceof Promise)) return Promise.resolve({ done: false, value: item });
        return item.then(
          (value) => ({ done: false, value }),
          (error: unknown) => this.fail(error),
        );
      }
    } catch (error) {
      return this.fail(error);
    }
    return this.refill();
  }

  return(): Promise<IteratorResult<SourceItem>> {
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  private async refill(): Promise<IteratorResult<SourceItem>> {
    if (this.finished) return { done: true, value: undefined };
    try {
      const next = await this.entries.next();
      if (next.done === true) {
        if (this.header === undefined) throw new ConfigError([`source.path: ${this.file} is empty (no header row)`]);
        this.close();
        return { done: true, value: undefined };
      }
      this.batch = next.value;
      this.at = 0;
    } catch (error) {
      return this.fail(error);
    }
    return this.next();
  }

  private itemOf(entry: CsvEntry): SourceItem | Promise<SourceItem> | undefined {
    if (entry.kind === 'unreadable') return { kind: 'reject', reject: entry.reject };
    const { file, names, header } = this;
    if (header === undefined) {
      this.header = new CsvHeader(entry.values, names);
      const problems = headerProblems(this.header.names, file, names);
      if (problems.length > 0) throw new ConfigError(problems);
      return undefined;
    }
    const cells = header.cells(entry.values);
    if (cells === undefined) return { kind: 'reject', reject: lengthReject(file, entry, header.names.length) };
    const undecoded = header.undecoded(cells, entry.oneByte);
    if (undecoded !== undefined) return { kind: 'reject', reject: encodingReject(header, cells, undecoded, { file, line: entry.line }) };
    const note = noteFromCells(cells, header.at, header.fields(cells), { file, line: entry.line });
    return needsInspection(note) ? withInspectedAttachments(note, this.exportDir).then((inspected) => ({ kind: 'note', note: inspected })) : { kind: 'note', note };
  }

  private fail(error: unknown): Promise<never> {
    this.close();
    return Promise.reject(readFailure(error, this.file, 'source.path'));
  }

  private close(): void {
    this.finished = true;
    this.batch = [];
    // Whatever the splitters meet after the reader is closed (the destroyed input) concerns no one.
    this.entries.return(undefined).catch(() => undefined);
    this.inputs.close();
  }
}

/** What a reader has open on its file: chunks being read, the splitter's thread; closed together when it stops. */
class OpenInputs {
  private readonly closers: (() => void)[] = [];

  chunks(path: string, position = 0): FileChunks {
    const chunks = new FileChunks(path, position);
    this.closers.push(() => void chunks.return().catch(() => undefined));
    return chunks;
  }

  thread(source: Source, encoding: FastEncoding): SplitThread {
    const thread = new SplitThread(source.path, encoding, source.delimiter ?? ',');
    this.closers.push(() => { thread.close(); });
    return thread;
  }

  close(): void {
    for (const close of this.closers.splice(0)) close();
  }
}

/**
 * The file's records, a batch per chunk read. The fast splitter reads while the file is plain
 * (nearly every export); from the first record it leaves alone, csv-parse reads the rest.
 */
async function* csvEntries(source: Source, splitting: CsvSplitting, inputs: OpenInputs): AsyncGenerator<readonly CsvEntry[]> {
  const splitter = splitting === 'csv-parse' ? undefined : FastCsvSplitter.for(source.encoding ?? 'utf8', source.delimiter ?? ',');
  if (splitter === undefined) {
    yield* parsedEntries(inputs.chunks(source.path), undefined, source, { line: 1, encoding: source.encoding ?? 'utf8', fromStart: true });
    return;
  }
  if (onOwnThread(source.path, splitting)) {
    yield* threadEntries(source, splitter.encoding, inputs);
    return;
  }
  const chunks = inputs.chunks(source.path);
  let sawAny = false;
  for (;;) {
    const next = await chunks.next();
    const split = next.done === true ? splitter.end() : splitter.write(next.value);
    if (split.records.length > 0) {
      sawAny = true;
      yield split.records;
    }
    if (split.handover !== undefined) {
      yield* parsedEntries(chunks, split.handover, source, { line: splitter.line, encoding: splitter.encoding, fromStart: !sawAny && splitter.line === 1 });
      return;
    }
    if (next.done === true) return;
  }
}

/** `csvEntries` with the fast splitter on its own thread (SplitThread); csv-parse reads on where it stops. */
async function* threadEntries(source: Source, encoding: FastEncoding, inputs: OpenInputs): AsyncGenerator<readonly CsvEntry[]> {
  const thread = inputs.thread(source, encoding);
  for (;;) {
    const next = await thread.next();
    if (next === undefined) return;
    if (Array.isArray(next)) {
      yield next;
      continue;
    }
    yield* parsedEntries(inputs.chunks(source.path, next.position), next.bytes, source, next);
    return;
  }
}

interface Takeover {
  /** The file's line on which `first` starts. */
  readonly line: number;
  readonly encoding: BufferEncoding;
  /** Nothing read yet: a byte order mark may still come (and set the encoding). */
  readonly fromStart: boolean;
}

/** csv-parse over `first` and the rest of the file, one entry per batch (this is the rare, slow path). */
async function* parsedEntries(chunks: AsyncIterator<Buffer>, first: Buffer | undefined, source: Source, at: Takeover): AsyncGenerator<readonly CsvEntry[]> {
  const file = source.path;
  const lines = new CsvLineTracker(at.line);
  const parser: RecordParser = new RecordParser(
    {
      bom: at.fromStart,
      encoding: at.encoding,
      delimiter: source.delimiter ?? ',',
      record_delimiter: ['\r\n', '\n', '\r'],
      // Arrays: the reader names them with the header, and rejects a record of the wrong length itself.
      columns: false,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_quotes: true,
      max_record_size: MAX_RECORD_CHARS,
      // Called while parsing, so the reject takes its place among the records.
      on_skip: (error: CsvError | undefined) => {
        const line = lines.skippedAt(typeof error?.lines === 'number' ? error.lines : parser.info.lines);
        parser.pushUnreadable(csvReject(file, line, error));
        return undefined;
      },
    },
    lines,
  );
  const bytes = Readable.from(rest(first, chunks), { objectMode: false });
  bytes.on('error', (error) => parser.destroy(error));
  bytes.pipe(parser);
  try {
    for await (const entry of parser as AsyncIterable<CsvEntry>) yield [entry];
  } finally {
    bytes.destroy();
    parser.destroy();
  }
}

/** `first`, then copies of the file's next chunks: csv-parse keeps pieces of them, and the chunks' buffers are reused. */
async function* rest(first: Buffer | undefined, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first !== undefined) yield first;
  for (;;) {
    const next = await chunks.next();
    if (next.done === true) return;
    yield Buffer.from(next.value);
  }
}

/**
 * csv-parse's stream, numbering its records (arrays) as they are pushed, when `info.lines` is
 * the record's last line. csv-parse's own `columns` and `on_record` were a third of its time.
 */
class RecordParser extends Parser {
  constructor(
    options: Options,
    private readonly lines: CsvLineTracker,
  ) {
    super(options);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const values = chunk as string[];
    const entry: CsvEntry = { kind: 'record', values, line: this.lines.recordStart(values, this.info.lines) };
    return super.push(entry, encoding);
  }

  pushUnreadable(reject: Reject): void {
    super.push({ kind: 'unreadable', reject } satisfies CsvEntry);
  }
}

/** A row whose text did not decode (a latin1 export read as UTF-8) is refused, not imported as "�". */
function encodingReject(header: CsvHeader, cells: readonly string[], column: string, origin: Origin): Reject {
  const ticket = cells[header.at.ticket];
  const id = cells[header.at.id];
  return {
    reason: 'invalid_encoding',
    message: `column "${column}" is not valid in the file's encoding; set source.encoding (utf8, utf16le or latin1)`,
    origin,
    field: column,
    ...(ticket ? { ticket } : {}),
    ...(id ? { id } : {}),
    fields: header.fields(cells).named(),
  };
}

function headerProblems(header: readonly string[], file: string, names: ColumnNames): string[] {
  const missing = missingRequiredColumns(header, names);
  if (missing.length === 0) return [];
  // A UTF-16 file read as UTF-8 shows as NUL bytes between letters.
  const hint = header.some((name) => name.includes('\u0000')) ? ' (the file looks UTF-16: set source.encoding to "utf16le")' : '';
  return missing.map((problem) => `source.columns: ${problem} in the header of ${file}${hint}`);
}

function lengthReject(file: string, record: SplitRecord, expected: number): Reject {
  const message = `CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: ${record.values.length} fields where the header has ${expected}`;
  return { reason: 'invalid_record', message, origin: { file, line: record.line }, fields: {} };
}

function csvReject(file: string, line: number, error: CsvError | undefined): Reject {
  const detail = error === undefined ? 'unreadable record' : `${error.code}: ${error.message}`;
  return { reason: 'invalid_record', message: detail, origin: { file, line }, fields: {} };
}
