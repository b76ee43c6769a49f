import type { ImportConfig } from '../../config/load.ts';
import { InputError } from '../../core/errors.ts';
import type { Origin } from '../../core/reject.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from '../inspect-attachments.ts';
import { isObject, readJsonRecords, recordReject } from '../json-records.ts';
import type { SourceItem, SourceNote, SourceReader, WritableSourceNote } from '../source-note.ts';
import { ConversationLookup } from './conversation-lookup.ts';
import { People } from './people.ts';
import type { PresetMessage, Preset, TicketFacts } from './preset.ts';

type Source = ImportConfig['source'];

/**
 * The one loop behind the zendesk, freshdesk and intercom readers: stream the export's records
 * (layout detected), turn each ticket into canonical notes with the preset, add the Help Scout
 * conversation and look at attachment files. A record the preset cannot read is one reject.
 */
export function readPreset(source: Source, preset: Preset): SourceReader {
  const file = source.path;
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceItem> {
      const exportDir = exportDirOf(file);
      const people = await People.load(source.users);
      const lookup = await ConversationLookup.load(source.conversationMap, source.conversationField);
      const options = { people, systemEvents: source.systemEvents };
      const records = readJsonRecords(file, { encoding: source.encoding ?? 'utf8', layout: 'detect', wrapperKeys: preset.wrapperKeys });
      for await (const record of records) {
        if (record.kind === 'error' || !isObject(record.value)) {
          yield { kind: 'reject', reject: recordReject(record, file) };
          continue;
        }
        const origin = { file, line: record.at };
        let ticket;
        try {
          ticket = preset.ticketOf(record.value, options);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          yield { kind: 'reject', reject: { reason: 'invalid_record', message: error.message, origin, ...(error.field === undefined ? {} : { field: error.field }), fields: {} } };
          continue;
        }
        const conversation = lookup.conversationOf(ticket.facts.ticket, record.value);
        for (const message of ticket.messages) {
          const note = sourceNote(ticket.facts, conversation, message, origin);
          yield { kind: 'note', note: needsInspection(note) ? await withInspectedAttachments(note, exportDir) : note };
        }
      }
    },
  };
}

function sourceNote(facts: TicketFacts, conversation: string | undefined, message: PresetMessage, origin: Origin): SourceNote {
  // Optional fields assigned rather than spread into the literal: that is several times cheaper per note.
  const note: WritableSourceNote = { ...message, ticket: facts.ticket, origin, fields: {} };
  if (facts.customerEmail !== undefined) note.customerEmail = facts.customerEmail;
  if (facts.subject !== undefined) note.subject = facts.subject;
  if (conversation !== undefined) note.conversation = conversation;
  note.fields = canonicalFields(note);
  return note;
}

/** The note in canonical CSV columns (DESIGN §3), so a reject can be fixed and re-fed as a CSV. */
function canonicalFields(note: SourceNote): Record<string, string> {
  const attachments = typeof note.attachments === 'object' && note.attachments.length > 0 ? JSON.stringify(note.attachments) : '';
  return {
    ticket: note.ticket,
    id: note.id,
    createdAt: note.createdAt === undefined ? '' : String(note.createdAt),
    text: note.text,
    conversation: note.conversation ?? '',
    customerEmail: note.customerEmail ?? '',
    subject: note.subject ?? '',
    author: note.author ?? '',
    attachments,
  };
}
