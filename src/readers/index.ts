import type { ImportConfig } from '../config/load.ts';
import { readCsv } from './csv-reader.ts';
import { assertReadableFile } from './input-file.ts';
import { readJsonl } from './jsonl-reader.ts';
import { freshdesk } from './presets/freshdesk.ts';
import { freshdeskXml, openFreshdeskXml } from './presets/freshdesk-xml.ts';
import { assertReadableExport } from './presets/freshdesk-xml-files.ts';
import { intercom } from './presets/intercom.ts';
import { readPreset } from './presets/preset-reader.ts';
import { zendesk } from './presets/zendesk.ts';
import type { SourceReader } from './source-note.ts';

export { exportDirOf } from './inspect-attachments.ts';
export type { SourceItem, SourceNote, SourceReader } from './source-note.ts';

/**
 * The reader for the configured format. Throws ConfigError now when the export (or a side file:
 * users, conversation map) cannot be read; a missing required CSV column throws when iteration
 * starts, before any row is yielded.
 */
export function openReader(source: ImportConfig['source']): SourceReader {
  // Freshdesk's account export is a zip, or the folder it was unpacked into.
  if (source.format === 'freshdesk-xml') assertReadableExport(source.path);
  else assertReadableFile(source.path, 'source.path');
  if (source.users !== undefined) assertReadableFile(source.users, 'source.users');
  if (source.conversationMap !== undefined) assertReadableFile(source.conversationMap, 'source.conversationMap');
  switch (source.format) {
    case 'csv':
      return readCsv(source);
    case 'jsonl':
      return readJsonl(source);
    case 'zendesk':
      return readPreset(source, zendesk);
    case 'freshdesk':
      return readPreset(source, freshdesk);
    case 'freshdesk-xml':
      return readPreset(source, freshdeskXml, openFreshdeskXml);
    case 'intercom':
      return readPreset(source, intercom);
  }
}
