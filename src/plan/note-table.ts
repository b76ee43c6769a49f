import type { ByteArenaColumns } from '../core/key-bytes.ts';
import { KeySet } from '../core/key-set.ts';

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
}

/** A table laid bare for saving between runs (the resume index, DESIGN §6): no copies. */
export interface NoteTableColumns {
  readonly keys: ByteArenaColumns;
  readonly ticketNames: ByteArenaColumns;
  readonly ticketEmail: readonly (string | null)[];
  readonly ticketSubject: readonly (string | null)[];
  readonly ticketOf: Int32Array;
  readonly conversationOf: Float64Array;
  readonly epochOf: Float64Array;
  readonly bytesOf: Int32Array;
  readonly offsetOf: Float64Array;
  readonly lengthOf: Int32Array;
  readonly lineOf: Int32Array;
}

class GrowableColumn<T extends Float64Array | Int32Array> {
  constructor(
    private data: T,
    private readonly make: (size: number) => T,
  ) {}
  get array(): T {
    return this.data;
  }
  /** Takes saved data as it is (a view, no copy); a later `set` past its end grows a copy. */
  adopt(data: T): void {
    this.data = data;
  }
  set(index: number, value: number): void {
    if (index >= this.data.length) {
      const bigger = this.make(Math.max(1024, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[index] = value;
  }
}

const f64 = (n: number): Float64Array => new Float64Array(n);
const i32 = (n: number): Int32Array => new Int32Array(n);

export class NoteTable {
  /** Keys and ticket ids packed as bytes (a million strings would cost more and slow every GC). */
  private keys = new KeySet();
  private tickets = new KeySet();
  private readonly ticketEmail: (string | undefined)[] = [];
  private readonly ticketSubject: (string | undefined)[] = [];
  private readonly ticketOf = new GrowableColumn(i32(1024), i32);
  private readonly conversationOf = new GrowableColumn(f64(1024), f64);
  private readonly epochOf = new GrowableColumn(f64(1024), f64);
  private readonly bytesOf = new GrowableColumn(i32(1024), i32);
  private readonly offsetOf = new GrowableColumn(f64(1024), f64);
  private readonly lengthOf = new GrowableColumn(i32(1024), i32);
  private readonly lineOf = new GrowableColumn(i32(1024), i32);

  /** A table rebuilt from saved columns, without reading the export again. */
  static fromColumns(c: NoteTableColumns): NoteTable {
    const table = new NoteTable();
    table.keys = KeySet.fromColumns(c.keys);
    table.tickets = KeySet.fromColumns(c.ticketNames);
    c.ticketEmail.forEach((email, i) => (table.ticketEmail[i] = email ?? undefined));
    c.ticketSubject.forEach((subject, i) => (table.ticketSubject[i] = subject ?? undefined));
    table.ticketOf.adopt(c.ticketOf);
    table.conversationOf.adopt(c.conversationOf);
    table.epochOf.adopt(c.epochOf);
    table.bytesOf.adopt(c.bytesOf);
    table.offsetOf.adopt(c.offsetOf);
    table.lengthOf.adopt(c.lengthOf);
    table.lineOf.adopt(c.lineOf);
    return table;
  }

  columns(): NoteTableColumns {
    const n = this.size;
    return {
      keys: this.keys.columns(),
      ticketNames: this.tickets.columns(),
      ticketEmail: this.ticketEmail.map((e) => e ?? null),
      ticketSubject: this.ticketSubject.map((s) => s ?? null),
      ticketOf: this.ticketOf.array.subarray(0, n),
      conversationOf: this.conversationOf.array.subarray(0, n),
      epochOf: this.epochOf.array.subarray(0, n),
      bytesOf: this.bytesOf.array.subarray(0, n),
      offsetOf: this.offsetOf.array.subarray(0, n),
      lengthOf: this.lengthOf.array.subarray(0, n),
      lineOf: this.lineOf.array.subarray(0, n),
    };
  }

  get size(): number {
    return this.keys.size;
  }

  /** Whether a note with this key is in the table (the mapper's duplicate check). */
  hasKey(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a note whose key is not in the table yet (`hasKey`); its index is its source order. */
  add(record: NoteRecordInput): number {
    const index = this.keys.size;
    if (this.keys.add(record.key) !== index) throw new Error(`note key ${record.key} is already in the table`);
    const ticket = this.tickets.add(record.ticket);
    // A ticket's customer and subject are the first non-empty ones its notes carry.
    if (this.ticketEmail[ticket] === undefined && record.customerEmail) this.ticketEmail[ticket] = record.customerEmail;
    if (this.ticketSubject[ticket] === undefined && record.subject) this.ticketSubject[ticket] = record.subject;
    this.ticketOf.set(index, ticket);
    this.conversationOf.set(index, record.conversation ?? 0);
    this.epochOf.set(index, record.epoch);
    this.bytesOf.set(index, record.bytes);
    this.offsetOf.set(index, record.spoolOffset);
    this.lengthOf.set(index, record.spoolLength);
    this.lineOf.set(index, record.line);
    return index;
  }

  key(i: number): string {
    return this.keys.key(i);
  }
  ticketNumber(i: number): number {
    return this.ticketOf.array[i] ?? 0;
  }
  ticket(i: number): string {
    return this.tickets.key(this.ticketNumber(i));
  }
  conversation(i: number): number | undefined {
    const id = this.conversationOf.array[i] ?? 0;
    return id === 0 ? undefined : id;
  }
  epoch(i: number): number {
    return this.epochOf.array[i] ?? 0;
  }
  bytes(i: number): number {
    return this.bytesOf.array[i] ?? 0;
  }
  spool(i: number): { offset: number; length: number } {
    return { offset: this.offsetOf.array[i] ?? 0, length: this.lengthOf.array[i] ?? 0 };
  }
  line(i: number): number {
    return this.lineOf.array[i] ?? 0;
  }
  customerEmail(i: number): string | undefined {
    return this.ticketEmail[this.ticketNumber(i)];
  }
  subject(i: number): string | undefined {
    return this.ticketSubject[this.ticketNumber(i)];
  }
}
