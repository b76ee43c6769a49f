import type { ImportConfig } from '../config/load.ts';
import { columnNames, noteFromRow } from './canonical-row.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from './inspect-attachments.ts';
import { isObject, readJsonRecords, recordReject } from './json-records.ts';
import type { SourceItem, SourceReader } from './source-note.ts';

type Source = ImportConfig['source'];

/**
 * Canonical JSONL: one note object a line, canonical keys (or `source.columns` renames). Values
 * may be strings, numbers (epoch dates, ids) or, for `attachments`, a real JSON array. A line
 * that is not JSON, or not an object, is a reject with its line number; reading goes on.
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
        const note = noteFromRow(flatRow(record.value), names, { file, line: record.at });
        yield { kind: 'note', note: needsInspection(note) ? await withInspectedAttachments(note, exportDir) : note };
      }
    },
  };
}

/** The object as text columns, like a CSV row: what rejects.csv writes back. */
function flatRow(value: Record<string, unknown>): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    row[key] = typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
  }
  return row;
}
