import { parse, type CsvError } from 'csv-parse';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import type { Reject } from '../core/reject.ts';
import { columnNames, missingRequiredColumns, noteFromRow, type ColumnNames } from './canonical-row.ts';
import { CsvLineTracker } from './csv-lines.ts';
import { openInput, readFailure } from './input-file.ts';
import { exportDirOf, withInspectedAttachments } from './inspect-attachments.ts';
import type { SourceItem, SourceReader } from './source-note.ts';

type Source = ImportConfig['source'];

/** A field longer than this is a broken quote swallowing the file, not data: reject, don't buffer on. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

interface ParsedRow {
  readonly order: number;
  readonly line: number;
  readonly row: Record<string, string>;
}

interface SkippedRow {
  readonly order: number;
  readonly reject: Reject;
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
      const skipped: SkippedRow[] = [];
      let order = 0;
      let header: string[] | undefined;
      const parser = parse({
        bom: true,
        encoding: source.encoding ?? 'utf8',
        delimiter: source.delimiter ?? ',',
        record_delimiter: ['\r\n', '\n', '\r'],
        columns: (read: string[]) => (header = read.map((name) => name.trim())),
        skip_empty_lines: true,
        skip_records_with_error: true,
        relax_quotes: true,
        max_record_size: MAX_RECORD_CHARS,
        on_record: (row: Record<string, string>, context): ParsedRow => ({
          order: order++,
          line: lines.recordStart(row, context.lines),
          row,
        }),
        // Skips are reported here, while parsing; they are queued by position and yielded in order.
        on_skip: (error: CsvError | undefined) => {
          const line = lines.skippedAt(typeof error?.lines === 'number' ? error.lines : parser.info.lines);
          skipped.push({ order: order++, reject: csvReject(file, line, error) });
          return undefined;
        },
      });
      input.on('error', (error) => parser.destroy(error));
      input.pipe(parser);

      let drained = 0;
      const problems = (): string[] =>
        header === undefined ? [`source.path: ${file} is empty (no header row)`] : headerProblems(header, file, names);
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
          const badEncoding = encodingReject(parsed, file, names);
          if (badEncoding === undefined) {
            const note = noteFromRow(parsed.row, names, { file, line: parsed.line });
            yield { kind: 'note', note: await withInspectedAttachments(note, exportDir) };
          } else {
            yield { kind: 'reject', reject: badEncoding };
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
function encodingReject(parsed: ParsedRow, file: string, names: ColumnNames): Reject | undefined {
  for (const column in parsed.row) {
    if (!parsed.row[column]?.includes('\uFFFD')) continue;
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
  return undefined;
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
