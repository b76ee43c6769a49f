import type { ImportConfig } from '../config/load.ts';
import type { Origin, Reject } from '../core/reject.ts';
import { columnNames, noteFromRow, type ColumnNames } from './canonical-row.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from './inspect-attachments.ts';
import { isObject, readJsonRecords, recordReject } from './json-records.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-shape.ts';
import type { SourceItem, SourceReader } from './source-note.ts';

type Source = ImportConfig['source'];

/**
 * Canonical JSONL: one note object a line, canonical keys (or `source.columns` renames). Values
 * may be strings, numbers (epoch dates, ids) or, for `attachments`, a real JSON array. A line
 * that is not JSON, not an object, or holds a value nested too deep to write back, is a reject
 * with its line number; reading goes on.
 */
export function readJsonl(source: Source): SourceReader {
  const file = source.path;
  const names = columnNames(source.columns);
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceItem> {
      const exportDir = exportDirOf(file);
      const records = readJsonRecords(file, { encoding: source.encoding ?? 'utf8', layout: 'lines', wrapperKeys: [] });
      for await (const record of records) {
        if (record.kind === 'error' || !isObject(record.value)) {
          yield { kind: 'reject', reject: recordReject(record, file) };
          continue;
        }
        const { row, tooDeep } = flatRow(record.value);
        const origin = { file, line: record.at };
        if (tooDeep !== undefined) {
          yield { kind: 'reject', reject: tooDeepReject(row, tooDeep, names, origin) };
          continue;
        }
        const note = noteFromRow(row, names, origin);
        yield { kind: 'note', note: needsInspection(note) ? await withInspectedAttachments(note, exportDir) : note };
      }
    },
  };
}

/**
 * The object as text columns, like a CSV row: what rejects.csv writes back. A value nested too
 * deep for JSON.stringify (it would overflow the stack and abort the run) is left out and named
 * in `tooDeep`: the row becomes a reject.
 */
function flatRow(value: Record<string, unknown>): { readonly row: Record<string, string>; readonly tooDeep: string | undefined } {
  const row: Record<string, string> = {};
  let tooDeep: string | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') row[key] = v;
    else if (v === null || v === undefined) row[key] = '';
    else if (nestedDeeperThan(v, MAX_JSON_DEPTH)) tooDeep ??= key;
    else row[key] = JSON.stringify(v);
  }
  return { row, tooDeep };
}

/** The row's other columns as read, so the reject still shows which note it was. */
function tooDeepReject(row: Readonly<Record<string, string>>, column: string, names: ColumnNames, origin: Origin): Reject {
  const ticket = row[names.ticket];
  const id = row[names.id];
  return {
    reason: 'invalid_record',
    message: `line ${origin.line}: "${column}" is nested more than ${MAX_JSON_DEPTH} levels deep`,
    origin,
    field: column,
    ...(ticket === undefined ? {} : { ticket }),
    ...(id === undefined ? {} : { id }),
    fields: row,
  };
}
