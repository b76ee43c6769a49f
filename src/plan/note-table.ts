import type { MessageKind, TicketStatus } from '../mapper/note-draft.ts';
import type { ByteArenaColumns } from '../core/key-bytes.ts';
import { ChunkedColumn } from '../core/chunked-column.ts';
import { KeySet } from '../core/key-set.ts';
import { ownCopy } from '../core/own-copy.ts';
import { stringHash53 } from '../core/string-hash.ts';
import { TextColumn } from '../core/text-column.ts';
import { WideColumn } from '../core/wide-column.ts';

/**
 * The compact record of every note the planner needs (DESIGN §6): key, ticket, target,
 * instant, size and where its payload sits in the spool. Columns in typed arrays and interned
 * ticket strings, so a million notes cost tens of bytes each instead of an object apiece.
 * A note's index is its source order (`seq`).
 */
export interface NoteRecordInput {
  readonly key: string;
  readonly ticket: string;
  /** Help Scout conversation id, or undefined for a new conversation. */
  readonly conversation: number | undefined;
  readonly epoch: number;
  /** Bytes of the payload as it will be sent (text + attachments, base64). */
  readonly bytes: number;
  readonly spoolOffset: number;
  readonly spoolLength: number;
  /** Line (or record) of the export the note came from. */
  readonly line: number;
  readonly customerEmail: string | undefined;
  readonly subject: string | undefined;
  /** `contentHash` of the note's date and text (0: not known). */
  readonly content?: number;
  /** Who wrote it (lower-cased email), and as what (DESIGN §8). */
  readonly authorEmail?: string | undefined;
  readonly kind?: MessageKind;
  /** The ticket's facts this row carries: tags are united over the ticket's rows, the rest first wins. */
  readonly tags?: readonly string[];
  readonly ticketStatus?: TicketStatus | undefined;
  readonly customerName?: string | undefined;
}

/** Kinds by their code in the kind column; a note is 0, what an older index holds. */
const KINDS: readonly MessageKind[] = ['note', 'customer', 'reply'];
/** Ticket statuses by their code + 1 in the status column (0: none said). */
const STATUS_CODES: readonly TicketStatus[] = ['active', 'pending', 'closed'];
/**
 * In the author column: the note was written by its ticket's customer (most notes of an export).
 * Interning every customer's address as an author would cost a string and a map entry per ticket.
 */
const TICKET_CUSTOMER = 0xffffffff;

const NO_TAGS: readonly string[] = [];

/**
 * A ticket's slots: the `stringHash53` of its e-mail, and its facts as one number: flags for
 * what is set (HAS_*), its status code (0: none said) × STATUS_UNIT and its tag set's id + 1
 * (0: none) × TAGS_UNIT. Float64 holds that exactly for 2^47 tag sets.
 */
const TICKET_STRIDE = 2;
const EMAIL_HASH = 0;
const FACTS = 1;
const HAS_EMAIL = 1;
const HAS_SUBJECT = 2;
const HAS_NAME = 4;
const STATUS_UNIT = 8;
const TAGS_UNIT = 32;
const statusOf = (facts: number): number => Math.floor(facts / STATUS_UNIT) % (TAGS_UNIT / STATUS_UNIT);
const tagSetOf = (facts: number): number => Math.floor(facts / TAGS_UNIT);

/** What a ticket's rows say of the ticket itself, for the conversation the tool creates. */
export interface TicketFacts {
  readonly tags?: readonly string[];
  readonly status?: TicketStatus;
  readonly customerName?: string;
}

/** The numeric columns, in the order the resume index saves them. */
export const NUMERIC_COLUMNS = ['ticketOf', 'conversationOf', 'epochOf', 'bytesOf', 'offsetOf', 'lengthOf', 'lineOf', 'contentOf', 'authorOf', 'kindOf'] as const;
type NumericColumn = (typeof NUMERIC_COLUMNS)[number];
/** Bytes per value: every numeric column is an Int32Array or a Uint32Array. */
export const COLUMN_VALUE_BYTES = 4;

/** A table as saved between runs (the resume index, DESIGN §6), each numeric column whole. */
export interface NoteTableColumns {
  readonly keys: ByteArenaColumns;
  readonly ticketNames: ByteArenaColumns;
  readonly ticketEmail: readonly (string | null)[];
  readonly ticketSubject: readonly (string | null)[];
  readonly ticketOf: Int32Array;
  /** Help Scout conversation ids that fit a Uint32 (0: none) ... */
  readonly conversationOf: Uint32Array;
  /** ... and, by note, the ones that do not (see WideColumn). */
  readonly conversationAside: readonly (readonly [number, number])[];
  /** Epoch seconds (see WideColumn: until 2106 in 4 bytes) ... */
  readonly epochOf: Uint32Array;
  /** ... and the ones that do not fit. */
  readonly epochAside: readonly (readonly [number, number])[];
  readonly bytesOf: Int32Array;
  /** Spool offsets, each from the offset of its block's first note (see OFFSET_BLOCK) ... */
  readonly offsetOf: Uint32Array;
  /** ... the ones that do not fit a Uint32 ... */
  readonly offsetAside: readonly (readonly [number, number])[];
  /** ... and the offset of each block's first note. */
  readonly offsetBase: readonly number[];
  readonly lengthOf: Int32Array;
  readonly lineOf: Int32Array;
  readonly contentOf: Uint32Array;
  /** Index + 1 into `authorNames` (0: no author known). */
  readonly authorOf: Uint32Array;
  readonly kindOf: Uint32Array;
  readonly authorNames: readonly string[];
  readonly ticketFacts: readonly (TicketFacts | null)[];
}

/** A table laid bare for saving: each numeric column as consecutive pieces (its chunks, no copies). */
export type NoteTablePieces = Omit<NoteTableColumns, NumericColumn> & { readonly [K in NumericColumn]: Iterable<NoteTableColumns[K]> };

/** Notes per spool offset base: a block's offsets fit 4 bytes unless its notes' payloads average over 4 MB. */
const OFFSET_BLOCK = 1024;

const i32 = (n: number): Int32Array => new Int32Array(n);
const f64 = (n: number): Float64Array => new Float64Array(n);
const u32 = (n: number): Uint32Array => new Uint32Array(n);

export class NoteTable {
  /** Keys and ticket ids packed as bytes (a million strings would cost more and slow every GC). */
  private keys = new KeySet();
  private tickets = new KeySet();
  /**
   * What every row asks of its ticket, side by side (TICKET_STRIDE values a ticket): tickets come
   * in random order, and a separate array per question cost a cache miss each (a third of the
   * time `plan` spent on DESIGN §8's columns). The strings are read only when first set.
   */
  private readonly ticketSlots = new ChunkedColumn(f64);
  private readonly ticketEmail = new TextColumn();
  private readonly ticketSubject = new TextColumn();
  private readonly ticketOf = new ChunkedColumn(i32);
  private readonly conversationOf = new WideColumn();
  private readonly epochOf = new WideColumn();
  private readonly bytesOf = new ChunkedColumn(i32);
  /**
   * Offsets from the offset of the block's first note: the spool is written in note order, so
   * they fit 4 bytes however big the spool grows (anything else is kept exact, aside).
   */
  private readonly offsetOf = new WideColumn();
  private readonly offsetBase: number[] = [];
  private readonly lengthOf = new ChunkedColumn(i32);
  private readonly lineOf = new ChunkedColumn(i32);
  private readonly contentOf = new ChunkedColumn(u32);
  private readonly authorOf = new ChunkedColumn(u32);
  private readonly kindOf = new ChunkedColumn(u32);
  private readonly authorNames: string[] = [];
  /** Authors interned while adding; rebuilt from `authorNames` when asked for again. */
  private authorIds: Map<string, number> | undefined = new Map();
  /** A ticket's facts (DESIGN §8): status and tag set in its slots, no object per ticket, built when asked for. */
  private readonly ticketName = new TextColumn();
  /** Tickets share a few tag sets: one array each, not one per ticket. */
  private readonly tagSets: (readonly string[])[] = [];
  /** Tag sets interned while adding, by their tags joined; rebuilt from `tagSets` when asked for again. */
  private tagSetIds: Map<string, number> | undefined = new Map();

  /** A table rebuilt from saved columns, without reading the export again. */
  static fromColumns(c: NoteTableColumns): NoteTable {
    const table = new NoteTable();
    table.keys = KeySet.fromColumns(c.keys);
    table.tickets = KeySet.fromColumns(c.ticketNames);
    for (let t = 0; t < table.tickets.size; t++) {
      table.setTicketFacts(t, c.ticketEmail[t] ?? undefined, c.ticketSubject[t] ?? undefined, c.ticketFacts[t]);
    }
    table.ticketOf.adopt(c.ticketOf);
    table.conversationOf.adopt(c.conversationOf, c.conversationAside);
    table.epochOf.adopt(c.epochOf, c.epochAside);
    table.bytesOf.adopt(c.bytesOf);
    table.offsetOf.adopt(c.offsetOf, c.offsetAside);
    for (const base of c.offsetBase) table.offsetBase.push(base);
    table.lengthOf.adopt(c.lengthOf);
    table.lineOf.adopt(c.lineOf);
    table.contentOf.adopt(c.contentOf);
    table.authorOf.adopt(c.authorOf);
    table.kindOf.adopt(c.kindOf);
    table.authorNames.push(...c.authorNames);
    table.authorIds = undefined;
    return table;
  }

  columns(): NoteTablePieces {
    const n = this.size;
    return {
      keys: this.keys.columns(),
      ticketNames: this.tickets.columns(),
      ticketEmail: Array.from({ length: this.tickets.size }, (_, t) => this.ticketEmail.get(t) ?? null),
      ticketSubject: Array.from({ length: this.tickets.size }, (_, t) => this.ticketSubject.get(t) ?? null),
      ticketOf: this.ticketOf.pieces(n),
      conversationOf: this.conversationOf.pieces(n),
      conversationAside: this.conversationOf.asideEntries(),
      epochOf: this.epochOf.pieces(n),
      epochAside: this.epochOf.asideEntries(),
      bytesOf: this.bytesOf.pieces(n),
      offsetOf: this.offsetOf.pieces(n),
      offsetAside: this.offsetOf.asideEntries(),
      offsetBase: this.offsetBase,
      lengthOf: this.lengthOf.pieces(n),
      lineOf: this.lineOf.pieces(n),
      contentOf: this.contentOf.pieces(n),
      authorOf: this.authorOf.pieces(n),
      kindOf: this.kindOf.pieces(n),
      authorNames: this.authorNames,
      ticketFacts: Array.from({ length: this.tickets.size }, (_, t) => this.factsOfTicket(t) ?? null),
    };
  }

  get size(): number {
    return this.keys.size;
  }

  /** Tickets seen: `ticketNumber` is below it. */
  get ticketCount(): number {
    return this.tickets.size;
  }

  /** Whether a note with this key is in the table (the mapper's duplicate check). */
  hasKey(key: string): boolean {
    return this.keys.has(key);
  }

  /**
   * Pass 1 is over: notes are read by index from now on, never looked up by key, so the hash
   * slots behind `hasKey` go (16 MB for a million notes); a later `hasKey` or `add` builds them again.
   */
  finishAdding(): void {
    this.keys.dropLookups();
    this.tickets.dropLookups();
    this.authorIds = undefined;
    this.tagSetIds = undefined;
  }

  /** Adds a note whose key is not in the table yet (`hasKey`); its index is its source order. */
  add(record: NoteRecordInput): number {
    const index = this.keys.size;
    if (this.keys.add(record.key) !== index) throw new Error(`note key ${record.key} is already in the table`);
    const ticket = this.tickets.add(record.ticket);
    const was = this.ticketSlots.get(ticket * TICKET_STRIDE + FACTS);
    let facts = was;
    // A ticket's customer and subject are the first non-empty ones its notes carry.
    if (!(facts & HAS_EMAIL) && record.customerEmail) facts += this.setTicketEmail(ticket, record.customerEmail);
    if (!(facts & HAS_SUBJECT) && record.subject) {
      this.ticketSubject.set(ticket, record.subject);
      facts += HAS_SUBJECT;
    }
    this.ticketOf.set(index, ticket);
    this.conversationOf.set(index, record.conversation ?? 0);
    this.epochOf.set(index, record.epoch);
    this.bytesOf.set(index, record.bytes);
    if (index % OFFSET_BLOCK === 0) this.offsetBase.push(record.spoolOffset);
    this.offsetOf.set(index, record.spoolOffset - (this.offsetBase[Math.floor(index / OFFSET_BLOCK)] ?? 0));
    this.lengthOf.set(index, record.spoolLength);
    this.lineOf.set(index, record.line);
    this.contentOf.set(index, record.content ?? 0);
    if (record.authorEmail !== undefined) {
      // Only the row's own customer can be its ticket's: an agent's address is never hashed.
      const own = record.authorEmail === record.customerEmail && facts & HAS_EMAIL && stringHash53(record.authorEmail) === this.ticketSlots.get(ticket * TICKET_STRIDE + EMAIL_HASH);
      this.authorOf.set(index, own ? TICKET_CUSTOMER : this.authorId(record.authorEmail) + 1);
    }
    if (record.kind !== undefined && record.kind !== 'note') this.kindOf.set(index, KINDS.indexOf(record.kind));
    facts = this.addTicketFacts(ticket, facts, record);
    if (facts !== was) this.ticketSlots.set(ticket * TICKET_STRIDE + FACTS, facts);
    return index;
  }

  /** Sets a ticket's e-mail and its hash; what it adds to the ticket's facts. */
  private setTicketEmail(ticket: number, email: string): number {
    this.ticketEmail.set(ticket, email);
    this.ticketSlots.set(ticket * TICKET_STRIDE + EMAIL_HASH, stringHash53(email));
    return HAS_EMAIL;
  }

  private authorId(email: string): number {
    this.authorIds ??= new Map(this.authorNames.map((name, i) => [name, i]));
    let id = this.authorIds.get(email);
    if (id === undefined) {
      id = this.authorNames.push(ownCopy(email)) - 1;
      this.authorIds.set(email, id);
    }
    return id;
  }

  /**
   * Pass 1 calls this for every row, with the ticket's facts so far; their new value. It
   * allocates only when the row brings a tag the ticket lacks.
   */
  private addTicketFacts(ticket: number, facts: number, record: NoteRecordInput): number {
    const tags = record.tags ?? NO_TAGS;
    if (tags.length > 0) {
      const set = tagSetOf(facts);
      const was = set === 0 ? undefined : this.tagSets[set - 1];
      if (tags !== was) {
        const merged = was === undefined ? tags : tags.some((tag) => !was.includes(tag)) ? [...new Set([...was, ...tags])] : was;
        if (merged !== was) facts += (this.tagSetId(merged) + 1 - set) * TAGS_UNIT;
      }
    }
    if (record.ticketStatus !== undefined && statusOf(facts) === 0) facts += (STATUS_CODES.indexOf(record.ticketStatus) + 1) * STATUS_UNIT;
    if (record.customerName !== undefined && !(facts & HAS_NAME)) {
      this.ticketName.set(ticket, record.customerName);
      facts += HAS_NAME;
    }
    return facts;
  }

  private setTicketFacts(ticket: number, email: string | undefined, subject: string | undefined, saved: TicketFacts | null | undefined): void {
    let facts = 0;
    if (email !== undefined) facts += this.setTicketEmail(ticket, email);
    if (subject !== undefined) {
      this.ticketSubject.set(ticket, subject);
      facts += HAS_SUBJECT;
    }
    if (saved?.tags !== undefined) facts += (this.tagSetId(saved.tags) + 1) * TAGS_UNIT;
    if (saved?.status !== undefined) facts += (STATUS_CODES.indexOf(saved.status) + 1) * STATUS_UNIT;
    if (saved?.customerName !== undefined) {
      this.ticketName.set(ticket, saved.customerName);
      facts += HAS_NAME;
    }
    this.ticketSlots.set(ticket * TICKET_STRIDE + FACTS, facts);
  }

  private factsOfTicket(ticket: number): TicketFacts | undefined {
    const facts = this.ticketSlots.get(ticket * TICKET_STRIDE + FACTS);
    const set = tagSetOf(facts);
    const tags = set === 0 ? undefined : this.tagSets[set - 1];
    const status = STATUS_CODES[statusOf(facts) - 1];
    const customerName = this.ticketName.get(ticket);
    if (tags === undefined && status === undefined && customerName === undefined) return undefined;
    return { ...(tags === undefined ? {} : { tags }), ...(status === undefined ? {} : { status }), ...(customerName === undefined ? {} : { customerName }) };
  }

  private tagSetId(tags: readonly string[]): number {
    this.tagSetIds ??= new Map(this.tagSets.map((set, i) => [set.join('\u0000'), i]));
    const joined = tags.join('\u0000');
    let id = this.tagSetIds.get(joined);
    if (id === undefined) {
      id = this.tagSets.push(tags) - 1;
      this.tagSetIds.set(joined, id);
    }
    return id;
  }

  key(i: number): string {
    return this.keys.key(i);
  }
  ticketNumber(i: number): number {
    return this.ticketOf.get(i);
  }
  ticket(i: number): string {
    return this.tickets.key(this.ticketNumber(i));
  }
  conversation(i: number): number | undefined {
    const id = this.conversationOf.get(i);
    return id === 0 ? undefined : id;
  }
  epoch(i: number): number {
    return this.epochOf.get(i);
  }
  bytes(i: number): number {
    return this.bytesOf.get(i);
  }
  spool(i: number): { offset: number; length: number } {
    return { offset: (this.offsetBase[Math.floor(i / OFFSET_BLOCK)] ?? 0) + this.offsetOf.get(i), length: this.lengthOf.get(i) };
  }
  line(i: number): number {
    return this.lineOf.get(i);
  }
  content(i: number): number {
    return this.contentOf.get(i);
  }
  /** Who wrote the note (lower-cased email), if the export says. */
  author(i: number): string | undefined {
    const ref = this.authorRef(i);
    return ref === 0 ? undefined : this.authorByRef(ref);
  }
  /**
   * The note's author as a number, for counting notes by author without a string per note:
   * 0 none, −1 − ticket number for its ticket's customer, else an agent's id + 1.
   */
  authorRef(i: number): number {
    const id = this.authorOf.get(i);
    return id === TICKET_CUSTOMER ? -1 - this.ticketNumber(i) : id;
  }
  /** The author an `authorRef` other than 0 stands for. */
  authorByRef(ref: number): string | undefined {
    return ref < 0 ? this.ticketEmail.get(-1 - ref) : this.authorNames[ref - 1];
  }
  kind(i: number): MessageKind {
    return KINDS[this.kindOf.get(i)] ?? 'note';
  }
  ticketFactsOf(i: number): TicketFacts {
    return this.factsOfTicket(this.ticketNumber(i)) ?? {};
  }
  /** The note with this key, or -1 (builds the key lookups again after `finishAdding`). */
  noteOf(key: string): number {
    return this.keys.idOf(key);
  }
  hasCustomerEmail(i: number): boolean {
    return this.ticketEmail.has(this.ticketNumber(i));
  }
  customerEmail(i: number): string | undefined {
    return this.ticketEmail.get(this.ticketNumber(i));
  }
  subject(i: number): string | undefined {
    return this.ticketSubject.get(this.ticketNumber(i));
  }
}
