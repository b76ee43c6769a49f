import type { ImportConfig } from '../../config/load.ts';
import { InputError } from '../../core/errors.ts';
import { isRejectReason, type Origin } from '../../core/reject.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from '../inspect-attachments.ts';
import { isObject, readJsonRecordBatches, recordReject, type JsonRecord } from '../json-records.ts';
import type { SourceItem, SourceNote, SourceReader, WritableSourceNote } from '../source-note.ts';
import { ConversationLookup } from './conversation-lookup.ts';
import { People } from './people.ts';
import type { PresetMessage, Preset, PresetOptions, TicketFacts } from './preset.ts';

type Source = ImportConfig['source'];

/**
 * The one loop behind the zendesk, freshdesk, freshdesk-xml and intercom readers: stream the
 * export's records (`open`: the JSON export by default), turn each ticket into canonical notes
 * with the preset, add the Help Scout conversation and look at attachment files. A record the
 * preset cannot read is one reject.
 */
export function readPreset(source: Source, preset: Preset, open: OpenPresetInput = jsonInput): SourceReader {
  return { [Symbol.asyncIterator]: () => new PresetItems(source, preset, open) };
}

/** Records read from one file of the export (notes and rejects name it as their origin). */
export interface RecordBatch {
  readonly file: string;
  readonly records: readonly JsonRecord[];
}

/** Who is who, and the export's records: what a preset reads besides its own mapping. */
export interface PresetInput {
  readonly people: People;
  readonly batches: AsyncGenerator<RecordBatch>;
}

export type OpenPresetInput = (source: Source, preset: Preset) => Promise<PresetInput>;

/** A JSON export (layout detected) and the optional `source.users` file. */
async function jsonInput(source: Source, preset: Preset): Promise<PresetInput> {
  const people = await People.load(source.users);
  const batches = readJsonRecordBatches(source.path, { encoding: source.encoding ?? 'utf8', layout: 'detect', wrapperKeys: preset.wrapperKeys });
  return { people, batches: inFile(source.path, batches) };
}

async function* inFile(file: string, batches: AsyncGenerator<readonly JsonRecord[]>): AsyncGenerator<RecordBatch> {
  for await (const records of batches) yield { file, records };
}

/** What reading needs once the side files are loaded (on the first `next`, as a generator would). */
interface Reading {
  readonly exportDir: string;
  readonly options: PresetOptions;
  readonly lookup: ConversationLookup;
  readonly batches: AsyncGenerator<RecordBatch>;
}

const DONE: IteratorResult<SourceItem> = { done: true, value: undefined };

/**
 * The reader's iterator, written out (as CsvItems is): an async generator's suspend and resume
 * per note, and again per record, cost more than making the note. Records come in batches;
 * a record's items are made when the previous record's are used up, so its parsed JSON is
 * garbage by the time the pipeline works on its notes.
 */
class PresetItems implements AsyncIterator<SourceItem> {
  private reading: Reading | undefined;
  private records: readonly JsonRecord[] = [];
  private file = '';
  private nextRecord = 0;
  private items: readonly SourceItem[] = [];
  private nextItem = 0;
  private finished = false;

  constructor(
    private readonly source: Source,
    private readonly preset: Preset,
    private readonly open: OpenPresetInput,
  ) {}

  next(): Promise<IteratorResult<SourceItem>> {
    const reading = this.reading;
    if (reading === undefined || this.finished) return this.refill();
    try {
      for (;;) {
        const item = this.items[this.nextItem];
        if (item !== undefined) {
          this.nextItem++;
          if (item.kind === 'note' && needsInspection(item.note)) return this.inspected(item.note, reading.exportDir);
          return Promise.resolve({ done: false, value: item });
        }
        const record = this.records[this.nextRecord];
        if (record === undefined) return this.refill();
        this.nextRecord++;
        this.items = itemsOf(record, this.preset, reading, this.file);
        this.nextItem = 0;
      }
    } catch (error) {
      return this.fail(error);
    }
  }

  return(): Promise<IteratorResult<SourceItem>> {
    this.close();
    return Promise.resolve(DONE);
  }

  private async refill(): Promise<IteratorResult<SourceItem>> {
    if (this.finished) return DONE;
    try {
      this.reading ??= await this.start();
      const next = await this.reading.batches.next();
      if (next.done === true) {
        this.close();
        return DONE;
      }
      this.records = next.value.records;
      this.file = next.value.file;
      this.nextRecord = 0;
    } catch (error) {
      return this.fail(error);
    }
    return this.next();
  }

  private async start(): Promise<Reading> {
    const { source, preset } = this;
    const exportDir = exportDirOf(source.path);
    const lookup = await ConversationLookup.load(source.conversationMap, source.conversationField);
    // Last: the XML input opens the zip, which nothing would close if a side file failed after it.
    const { people, batches } = await this.open(source, preset);
    return { exportDir, options: { people, systemEvents: source.systemEvents }, lookup, batches };
  }

  private inspected(note: SourceNote, exportDir: string): Promise<IteratorResult<SourceItem>> {
    return withInspectedAttachments(note, exportDir).then(
      (inspected) => ({ done: false, value: { kind: 'note', note: inspected } }),
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): Promise<never> {
    this.close();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  private close(): void {
    this.finished = true;
    this.records = [];
    this.items = [];
    // Closes the file; whatever the closed generator still meets concerns no one.
    this.reading?.batches.return(undefined).catch(() => undefined);
  }
}

/** One record as the reader's items: its notes, or the one reject saying why it has none. */
function itemsOf(record: JsonRecord, preset: Preset, { options, lookup }: Reading, file: string): SourceItem[] {
  if (record.kind === 'error' || !isObject(record.value)) return [{ kind: 'reject', reject: recordReject(record, file) }];
  const origin = { file, line: record.at };
  let ticket;
  try {
    ticket = preset.ticketOf(record.value, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return [{ kind: 'reject', reject: { reason: isRejectReason(error.code) ? error.code : 'invalid_record', message: error.message, origin, ...(error.field === undefined ? {} : { field: error.field }), fields: {} } }];
  }
  const { facts } = ticket;
  const conversation = lookup.conversationOf(facts.ticket, record.value);
  // The ticket's own columns once, not per note: its tags as rejects.csv writes them (JSON, as csv reads them).
  const shared: SharedColumns = { facts, conversation, tags: facts.tags === undefined || facts.tags.length === 0 ? '' : JSON.stringify(facts.tags) };
  return ticket.messages.map((message) => ({ kind: 'note', note: sourceNote(shared, message, origin) }));
}

/** What every note of one ticket shares. */
interface SharedColumns {
  readonly facts: TicketFacts;
  readonly conversation: string | undefined;
  readonly tags: string;
}

function sourceNote(shared: SharedColumns, message: PresetMessage, origin: Origin): SourceNote {
  const { facts, conversation } = shared;
  // Built field by field, never `{...message}`: spreading each message was a fifth of a Zendesk plan's CPU.
  const note: WritableSourceNote = {
    id: message.id,
    createdAt: message.createdAt,
    text: message.text,
    html: message.html,
    attachments: message.attachments,
    ticket: facts.ticket,
    origin,
    fields: canonicalFields(shared, message),
  };
  if (message.author !== undefined) note.author = message.author;
  if (message.authorEmail !== undefined) note.authorEmail = message.authorEmail;
  if (message.kind !== undefined) note.kind = message.kind;
  if (message.visibility !== undefined) note.visibility = message.visibility;
  if (message.channel !== undefined) note.channel = message.channel;
  if (facts.customerEmail !== undefined) note.customerEmail = facts.customerEmail;
  if (facts.subject !== undefined) note.subject = facts.subject;
  if (conversation !== undefined) note.conversation = conversation;
  if (facts.tags !== undefined) note.tags = facts.tags;
  if (facts.ticketStatus !== undefined) note.ticketStatus = facts.ticketStatus;
  if (facts.customerName !== undefined) note.customerName = facts.customerName;
  return note;
}

/** The note in canonical CSV columns (DESIGN §3), so a reject can be fixed and re-fed as a CSV. */
function canonicalFields({ facts, conversation, tags }: SharedColumns, message: PresetMessage): Record<string, string> {
  return {
    ticket: facts.ticket,
    id: message.id,
    createdAt: message.createdAt === undefined ? '' : String(message.createdAt),
    text: message.text,
    conversation: conversation ?? '',
    customerEmail: facts.customerEmail ?? '',
    subject: facts.subject ?? '',
    author: message.author ?? '',
    attachments: message.attachments.length > 0 ? JSON.stringify(message.attachments) : '',
    authorEmail: message.authorEmail ?? '',
    kind: message.kind ?? '',
    tags,
    ticketStatus: facts.ticketStatus ?? '',
    customerName: facts.customerName ?? '',
  };
}
