import { Parser, type CsvError, type Options } from 'csv-parse';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import type { Reject } from '../core/reject.ts';
import { columnNames, missingRequiredColumns, noteFromRow, type ColumnNames } from './canonical-row.ts';
import { CsvLineTracker } from './csv-lines.ts';
import { openInput, readFailure } from './input-file.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from './inspect-attachments.ts';
import type { SourceItem, SourceReader } from './source-note.ts';
import { unescapeFormula } from '../report/csv-cell.ts';
import { isRejectsCsvHeader } from '../report/rejects-csv.ts';

type Source = ImportConfig['source'];

/** A field longer than this is a broken quote swallowing the file, not data: reject, don't buffer on. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

interface ParsedRow {
  readonly order: number;
  readonly line: number;
  readonly row: Record<string, string>;
  /** The first column whose text did not decode, if any. */
  readonly undecoded: string | undefined;
}

interface SkippedRow {
  readonly order: number;
  readonly reject: Reject;
}

/** Rows csv-parse could not read, queued by position while it parses, yielded in order. */
interface Skips {
  order: number;
  readonly rows: SkippedRow[];
}

/**
 * csv-parse's stream, turning its records (arrays: the first is the header) into numbered rows
 * as they are pushed, when `info.lines` is the record's last line. This is the hot path of a
 * big import: csv-parse's own `columns` builds each row with `Object.defineProperty` and its
 * `on_record` hook builds an info object per record; together they took a third of the time.
 */
class RowParser extends Parser {
  header: readonly string[] | undefined;
  /** A rejects.csv fed back in: its cells carry a formula escape, undone here. */
  private formulaEscaped = false;
  /** A column named `__proto__` must become a field, not the row's prototype. */
  private protoColumn = -1;

  constructor(
    options: Options,
    private readonly skips: Skips,
    private readonly lines: CsvLineTracker,
  ) {
    super(options);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const values = chunk as readonly string[];
    const header = this.header;
    if (header === undefined) {
      this.header = values.map((name) => name.trim());
      this.formulaEscaped = isRejectsCsvHeader(this.header);
      this.protoColumn = this.header.indexOf('__proto__');
      return true;
    }
    const row: Record<string, string> = {};
    let undecoded: string | undefined;
    for (let i = 0; i < header.length; i++) {
      const name = header[i] as string;
      const value = values[i] ?? '';
      const cell = this.formulaEscaped ? unescapeFormula(value) : value;
      if (i === this.protoColumn) Object.defineProperty(row, name, { value: cell, enumerable: true, writable: true, configurable: true });
      else row[name] = cell;
      if (undecoded === undefined && value.includes('\uFFFD')) undecoded = name;
    }
    const parsed: ParsedRow = { order: this.skips.order++, line: this.lines.recordStart(values, this.info.lines), row, undecoded };
    return super.push(parsed, encoding);
  }
}

/**
 * Canonical CSV (DESIGN §3), streamed through csv-parse: BOM, quoted newlines/commas/quotes,
 * CRLF or LF (even mixed), `delimiter`, `encoding`, `columns` renames. A header without a
 * required column is a ConfigError before any row; a malformed row is a reject and reading
 * goes on.
 */
export function readCsv(source: Source): SourceReader {
  const file = source.path;
  const names = columnNames(source.columns);
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceItem> {
      const input = openInput(file, 'source.path');
      const exportDir = exportDirOf(file);
      const lines = new CsvLineTracker();
      const skips: Skips = { order: 0, rows: [] };
      const skipped = skips.rows;
      const parser: RowParser = new RowParser(
        {
          bom: true,
          encoding: source.encoding ?? 'utf8',
          delimiter: source.delimiter ?? ',',
          record_delimiter: ['\r\n', '\n', '\r'],
          // Records as arrays, checked against the header's length: RowParser names them.
          columns: false,
          skip_empty_lines: true,
          skip_records_with_error: true,
          relax_quotes: true,
          max_record_size: MAX_RECORD_CHARS,
          // Skips are reported here, while parsing; they are queued by position and yielded in order.
          on_skip: (error: CsvError | undefined) => {
            const line = lines.skippedAt(typeof error?.lines === 'number' ? error.lines : parser.info.lines);
            skipped.push({ order: skips.order++, reject: csvReject(file, line, error) });
            return undefined;
          },
        },
        skips,
        lines,
      );
      input.on('error', (error) => parser.destroy(error));
      input.pipe(parser);

      let drained = 0;
      const problems = (): string[] =>
        parser.header === undefined ? [`source.path: ${file} is empty (no header row)`] : headerProblems(parser.header, file, names);
      try {
        let checked = false;
        for await (const parsed of parser as AsyncIterable<ParsedRow>) {
          if (!checked) {
            const found = problems();
            if (found.length > 0) throw new ConfigError(found);
            checked = true;
          }
          while (drained < skipped.length && (skipped[drained]?.order ?? Infinity) < parsed.order) {
            yield { kind: 'reject', reject: (skipped[drained++] as SkippedRow).reject };
          }
          if (parsed.undecoded === undefined) {
            const note = noteFromRow(parsed.row, names, { file, line: parsed.line });
            yield { kind: 'note', note: needsInspection(note) ? await withInspectedAttachments(note, exportDir) : note };
          } else {
            yield { kind: 'reject', reject: encodingReject(parsed, parsed.undecoded, file, names) };
          }
        }
        if (!checked) {
          const found = problems();
          if (found.length > 0) throw new ConfigError(found);
        }
        while (drained < skipped.length) yield { kind: 'reject', reject: (skipped[drained++] as SkippedRow).reject };
      } catch (error) {
        throw readFailure(error, file, 'source.path');
      } finally {
        input.destroy();
        parser.destroy();
      }
    },
  };
}

/** A row whose text did not decode (a latin1 export read as UTF-8) is refused, not imported as "�". */
function encodingReject(parsed: ParsedRow, column: string, file: string, names: ColumnNames): Reject {
  const ticket = parsed.row[names.ticket];
  const id = parsed.row[names.id];
  return {
    reason: 'invalid_encoding',
    message: `column "${column}" is not valid in the file's encoding; set source.encoding (utf8, utf16le or latin1)`,
    origin: { file, line: parsed.line },
    field: column,
    ...(ticket ? { ticket } : {}),
    ...(id ? { id } : {}),
    fields: parsed.row,
  };
}

function headerProblems(header: readonly string[], file: string, names: ColumnNames): string[] {
  const missing = missingRequiredColumns(header, names);
  if (missing.length === 0) return [];
  // A UTF-16 file read as UTF-8 shows as NUL bytes between letters.
  const hint = header.some((name) => name.includes('\u0000')) ? ' (the file looks UTF-16: set source.encoding to "utf16le")' : '';
  return missing.map((problem) => `source.columns: ${problem} in the header of ${file}${hint}`);
}

function csvReject(file: string, line: number, error: CsvError | undefined): Reject {
  const detail = error === undefined ? 'unreadable record' : `${error.code}: ${error.message}`;
  return { reason: 'invalid_record', message: detail, origin: { file, line }, fields: {} };
}
