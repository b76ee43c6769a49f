import { join } from 'node:path';
import type { ImportConfig } from '../../config/load.ts';
import { ConfigError, InputError } from '../../core/errors.ts';
import { freshdesk } from './freshdesk.ts';
import { exportFiles, type ExportFile, type ExportFiles } from './freshdesk-xml-files.ts';
import { xmlRecordBatches } from './freshdesk-xml-records.ts';
import { asObject, asText } from './json-value.ts';
import { People, personOf, type Person } from './people.ts';
import type { Preset } from './preset.ts';
import type { PresetInput, RecordBatch } from './preset-reader.ts';

type Source = ImportConfig['source'];

/**
 * Freshdesk's account export (`source.format: "freshdesk-xml"`): a `helpdesk-ticket` of
 * `Tickets{N}.xml` is the v1 API's `helpdesk_ticket` in XML, so it goes through the one
 * Freshdesk mapping (freshdesk.ts) and gives the same notes as the API's JSON. Its `display-id`
 * is the number agents know and the API's `id`; the internal `id` would key another ticket, so
 * a ticket without `display-id` is a reject rather than a guess.
 */
export const freshdeskXml: Preset = {
  wrapperKeys: [],
  ticketOf(record, options) {
    const id = asText(record.display_id);
    if (id === undefined) throw new InputError('invalid_record', 'Freshdesk ticket without "display-id"', 'display-id');
    // The API's ticket list leaves out spam and deleted tickets (https://developer.freshdesk.com/api/#list_all_tickets),
    // so `export --from freshdesk` never has them: the account export must not import them either. A reject, never a silent drop.
    if (isTrue(record.spam)) throw new InputError('spam_ticket', `Freshdesk ticket ${id} is marked spam; the API export leaves it out too`, 'spam');
    if (isTrue(record.deleted)) throw new InputError('deleted_ticket', `Freshdesk ticket ${id} is deleted (in Trash); the API export leaves it out too`, 'deleted');
    // An archived ticket (ArchivedTickets{N}.xml) keeps its notes in `archive-notes`.
    const ticket = record.archive_notes === undefined ? record : { ...record, notes: record.archive_notes };
    return freshdesk.ticketOf({ helpdesk_ticket: ticket }, options);
  },
};

/** A Rails boolean column: `type="boolean"` gives true; without the type it is the text. */
function isTrue(value: unknown): boolean {
  return value === true || asText(value)?.trim() === 'true';
}

/**
 * The export's people (`Users{N}.xml`, read first: authors and customers are user ids in the
 * tickets), then its tickets, file by file, streamed. `source.users` rows win over Users.xml.
 */
export async function openFreshdeskXml(source: Source): Promise<PresetInput> {
  const files = await exportFiles(source.path);
  try {
    if (files.users.length === 0 && source.users === undefined) {
      throw new ConfigError([
        `source.path: ${source.path} holds no Users{N}.xml, which names who wrote each message and the customers' addresses: give the whole export, or a users CSV (id,name,email) as source.users`,
      ]);
    }
    const known = new Map<string, Person>();
    for (const file of files.users) await readUsers(file, join(source.path, file.name), known);
    const people = await People.load(source.users, known);
    return { people, batches: ticketBatches(files, source.path) };
  } catch (error) {
    files.close();
    throw error;
  }
}

async function readUsers(file: ExportFile, where: string, known: Map<string, Person>): Promise<void> {
  for await (const records of xmlRecordBatches(await file.open(), where)) {
    for (const record of records) {
      // A user we could not read would silently unname every message they wrote.
      if (record.kind === 'error') throw new ConfigError([`source.path: ${record.message}`]);
      const id = asText(asObject(record.value)?.id);
      if (id !== undefined) known.set(id, personOf(record.value));
    }
  }
}

async function* ticketBatches(files: ExportFiles, path: string): AsyncGenerator<RecordBatch> {
  try {
    for (const file of files.tickets) {
      const where = join(path, file.name);
      for await (const records of xmlRecordBatches(await file.open(), where)) yield { file: where, records };
    }
  } finally {
    files.close();
  }
}
