import type { ImportConfig } from '../config/load.ts';
import { readCsv } from './csv-reader.ts';
import { assertReadableFile } from './input-file.ts';
import type { SourceReader } from './source-note.ts';

export { exportDirOf } from './inspect-attachments.ts';
export type { SourceItem, SourceNote, SourceReader } from './source-note.ts';

/**
 * The reader for the configured format. Throws ConfigError now when the export (or a side file:
 * users, conversation map) cannot be read; a missing required CSV column throws when iteration
 * starts, before any row is yielded.
 */
export function openReader(source: ImportConfig['source']): SourceReader {
  assertReadableFile(source.path, 'source.path');
  switch (source.format) {
    case 'csv':
      return readCsv(source);
    default:
      throw new Error(`format ${source.format} not implemented yet`);
  }
}
