/**
 * The fast path of the CSV reader: splits UTF-8 or latin1 bytes into records for the common,
 * well-formed case, an order of magnitude faster than csv-parse (which walks every byte through
 * a general state machine and builds each field in a buffer of its own). It handles exactly:
 * unquoted fields, quoted fields (`""` escapes, delimiters and line breaks inside), LF or CRLF
 * record ends, empty lines (skipped), a UTF-8 byte order mark. Anything else — a quote inside an
 * unquoted field, text after a closing quote, a bare CR, a quote never closed, a record over
 * FAST_RECORD_BYTES, a UTF-16 byte order mark — is not guessed at: the split stops at that
 * record and hands its bytes, and the rest of the file, to csv-parse, whose rules then apply.
 */

import { isAscii } from 'node:buffer';
import { ByteCursor } from './byte-cursor.ts';
import { CellMemo } from './cell-memo.ts';
import { CELL_STRIDE, CellCutter, ESCAPED, HIT, KEEP, SLOT_SHIFT, type RecordSink } from './record-cells.ts';
import { RowTwins } from './row-twins.ts';

/** A record as split: its values and the line it starts on. */
export interface SplitRecord {
  readonly kind: 'record';
  readonly values: string[];
  readonly line: number;
  /** Decoded from one-byte text (ASCII, or latin1): no value can hold a replacement character. */
  readonly oneByte?: boolean;
}

export interface Split {
  readonly records: SplitRecord[];
  /** Set when the split stopped: the bytes from the first record it did not read, for csv-parse. */
  readonly handover: Buffer | undefined;
}

export type FastEncoding = 'utf8' | 'latin1';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;

/** A record longer than this is rare enough to leave to csv-parse, which caps and rejects runaway records. */
export const FAST_RECORD_BYTES = 1024 * 1024;

/** What a record scan came to: the position after it, or why it stopped. */
const MORE = -1;
const UNUSUAL = -2;
/** A delimiter ends the field: another follows. */
const FIELD_FOLLOWS = -3;

/**
 * Finds the records of one-byte or UTF-8 text and what their cells are (record-cells.ts), without
 * making their texts: whoever holds the bytes does (FastCsvSplitter on this thread, or the
 * reader's thread when this one reads ahead on its own).
 */
export class RecordScanner {
  /** Line on which the next record starts (line breaks inside quoted fields counted). */
  line = 1;
  /** The bytes of a record begun in an earlier chunk. */
  private carry: Buffer | undefined;
  /** Where a carried record is joined with the next chunk (see `join`). */
  private joined: Buffer = Buffer.alloc(0);
  private started = false;
  /** Line breaks inside the quoted fields of the record last read. */
  private breaks = 0;
  private readonly delimiter: number;
  /** The record last read: CELL_STRIDE numbers a field (record-cells.ts), and the OR of its bytes. */
  private cells = new Int32Array(64 * CELL_STRIDE);
  private fields = 0;
  private high = 0;
  private readonly memo = new CellMemo();
  /** Where the next quote, line end and delimiter are, for the scan of one-byte text (see `oneByteRecord`). */
  private readonly quotes = new ByteCursor(QUOTE);
  private readonly lfs = new ByteCursor(LF);
  private readonly crs = new ByteCursor(CR);
  private readonly delimiters: ByteCursor;
  private readonly twins = new RowTwins();

  private constructor(
    delimiter: string,
    /** May turn utf8 on a UTF-8 byte order mark, as csv-parse's `bom` does. */
    public encoding: FastEncoding,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.delimiters = new ByteCursor(this.delimiter);
  }

  /** A scanner for these settings, or undefined when csv-parse must read the whole file (UTF-16, a delimiter that is no ASCII byte). */
  static for(encoding: string, delimiter: string): RecordScanner | undefined {
    if (encoding !== 'utf8' && encoding !== 'latin1') return undefined;
    const code = delimiter.charCodeAt(0);
    if (delimiter.length !== 1 || code >= 0x80 || code === QUOTE || code === LF || code === CR) return undefined;
    return new RecordScanner(delimiter, encoding);
  }

  /**
   * Gives `sink` the complete records of what has been written so far; the bytes handed over to
   * csv-parse when the scan stopped. Nothing of `chunk` is kept after the call (the reader reuses
   * its buffer, see FileChunks): a record begun and a handover are copies.
   */
  write(chunk: Buffer, sink: RecordSink): Buffer | undefined {
    const carried = this.carry;
    this.carry = undefined;
    const handover = this.splitStart(carried === undefined ? chunk : this.join(carried, chunk), sink);
    if (this.carry !== undefined) this.carry = Buffer.from(this.carry);
    return handover === undefined ? undefined : Buffer.from(handover);
  }

  /** The last record, at the end of the file. */
  end(sink: RecordSink): Buffer | undefined {
    const rest = this.carry;
    this.carry = undefined;
    if (rest === undefined) return undefined;
    // A file of one or two bytes: csv-parse reads it whole, byte order mark rules and all.
    if (!this.started) return rest;
    return this.split(rest, true, sink);
  }

  /**
   * `carry` then `chunk`, in a buffer kept from write to write. A new buffer per chunk (what
   * Buffer.concat makes) was a quarter-megabyte allocation outside the heap for every chunk of
   * the file, and the collections that pressure set off.
   */
  private join(carry: Buffer, chunk: Buffer): Buffer {
    const length = carry.length + chunk.length;
    if (this.joined.length < length) this.joined = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.joined.length));
    carry.copy(this.joined, 0);
    chunk.copy(this.joined, carry.length);
    return this.joined.subarray(0, length);
  }

  private splitStart(chunk: Buffer, sink: RecordSink): Buffer | undefined {
    let buf = chunk;
    if (!this.started) {
      // Fewer than 3 bytes cannot be told from a byte order mark yet: wait for more.
      if (buf.length < UTF8_BOM.length) {
        this.carry = buf;
        return undefined;
      }
      this.started = true;
      if (startsWith(buf, UTF16LE_BOM)) return buf;
      if (startsWith(buf, UTF8_BOM)) {
        buf = buf.subarray(UTF8_BOM.length);
        this.encoding = 'utf8';
      }
    }
    return this.split(buf, false, sink);
  }

  private split(buf: Buffer, final: boolean, sink: RecordSink): Buffer | undefined {
    const len = buf.length;
    // Nearly every chunk of an export is ASCII (a latin1 one always reads a byte a letter): its
    // records are scanned by searching for the bytes that matter, not by looking at every byte.
    const oneByte = this.encoding === 'latin1' || isAscii(buf);
    if (oneByte) for (const cursor of [this.quotes, this.lfs, this.crs, this.delimiters]) cursor.reset(buf);
    let pos = 0;
    while (pos < len) {
      const first = buf[pos];
      // Empty lines are skipped (csv-parse's skip_empty_lines), but counted.
      if (first === LF) {
        this.line++;
        pos++;
        continue;
      }
      if (first === CR && pos + 1 < len && buf[pos + 1] === LF) {
        this.line++;
        pos += 2;
        continue;
      }
      const next = oneByte ? this.oneByteRecord(buf, pos, final) : this.record(buf, pos, final);
      if (next === UNUSUAL) return buf.subarray(pos);
      if (next === MORE) {
        const rest = buf.subarray(pos);
        if (rest.length > FAST_RECORD_BYTES) return rest;
        this.carry = rest;
        return undefined;
      }
      this.judgeCells(buf);
      sink.record(buf, this.cells, this.fields, this.line, this.encoding === 'latin1' || this.high < 0x80);
      this.line += 1 + this.breaks;
      pos = next;
    }
    return undefined;
  }

  /** Finds one record's fields starting at `pos` (see `field`): the position after its line end, MORE or UNUSUAL. */
  private record(buf: Buffer, pos: number, final: boolean): number {
    const len = buf.length;
    const delimiter = this.delimiter;
    let p = pos;
    let high = 0;
    this.breaks = 0;
    this.fields = 0;
    for (;;) {
      if (buf[p] === QUOTE) {
        let q = p + 1;
        let escaped = false;
        for (;;) {
          if (q >= len) return final ? UNUSUAL : MORE;
          const c = buf[q] as number;
          high |= c;
          if (c === QUOTE) {
            if (q + 1 >= len && !final) return MORE;
            if (buf[q + 1] !== QUOTE) break;
            escaped = true;
            q += 2;
          } else {
            // A line break inside the field: LF, CR, or CRLF once (counted at its LF).
            if (c === LF || (c === CR && buf[q + 1] !== LF)) this.breaks++;
            q++;
          }
        }
        this.field(p + 1, q, escaped);
        p = q + 1;
      } else {
        let q = p;
        for (; q < len; q++) {
          const c = buf[q] as number;
          if (c === delimiter || c === LF || c === CR) break;
          if (c === QUOTE) return UNUSUAL;
          high |= c;
        }
        if (q >= len && !final) return MORE;
        this.field(p, q, false);
        p = q;
      }
      this.high = high;
      const end = this.fieldEnd(buf, p, final);
      if (end !== FIELD_FOLLOWS) return end;
      p++;
    }
  }

  /**
   * `record` for one-byte text, by the cursors: one native search per quote, line end and
   * delimiter instead of four comparisons per byte (a third of reading a plain export went into
   * that loop). A record ends where `record` would end it, for the same reasons.
   */
  private oneByteRecord(buf: Buffer, pos: number, final: boolean): number {
    const len = buf.length;
    let p = pos;
    this.high = 0;
    this.breaks = 0;
    this.fields = 0;
    for (;;) {
      if (buf[p] === QUOTE) {
        let q = p + 1;
        let escaped = false;
        for (;;) {
          q = this.quotes.from(q);
          if (q >= len) return final ? UNUSUAL : MORE;
          if (q + 1 >= len && !final) return MORE;
          if (buf[q + 1] !== QUOTE) break;
          escaped = true;
          q += 2;
        }
        if (this.lineEnd(p) < q) this.countBreaks(buf, p + 1, q);
        this.field(p + 1, q, escaped);
        p = q + 1;
      } else {
        const q = Math.min(this.delimiters.from(p), this.lineEnd(p));
        if (this.quotes.from(p) < q) return UNUSUAL;
        if (q >= len && !final) return MORE;
        this.field(p, q, false);
        p = q;
      }
      const end = this.fieldEnd(buf, p, final);
      if (end !== FIELD_FOLLOWS) return end;
      p++;
    }
  }

  /** What follows a field that ends at `p`: FIELD_FOLLOWS after a delimiter, else the record's end, MORE or UNUSUAL. */
  private fieldEnd(buf: Buffer, p: number, final: boolean): number {
    const len = buf.length;
    if (p >= len) return len;
    const c = buf[p];
    if (c === this.delimiter) return FIELD_FOLLOWS;
    if (c === LF) return p + 1;
    if (c === CR) {
      if (p + 1 >= len) return final ? UNUSUAL : MORE;
      return buf[p + 1] === LF ? p + 2 : UNUSUAL;
    }
    return UNUSUAL;
  }

  /** The first LF or CR at or after `p`. */
  private lineEnd(p: number): number {
    return Math.min(this.lfs.from(p), this.crs.from(p));
  }

  /** Line breaks inside a quoted field's bytes [from, to): LF, CR, or CRLF once (counted at its LF). */
  private countBreaks(buf: Buffer, from: number, to: number): void {
    for (let at = this.lfs.from(from); at < to; at = this.lfs.from(at + 1)) this.breaks++;
    for (let at = this.crs.from(from); at < to; at = this.crs.from(at + 1)) if (buf[at + 1] !== LF) this.breaks++;
  }

  private field(from: number, to: number, escaped: boolean): void {
    const at = this.fields++ * CELL_STRIDE;
    if (at + CELL_STRIDE > this.cells.length) {
      const wider = new Int32Array(this.cells.length * 2);
      wider.set(this.cells);
      this.cells = wider;
    }
    this.cells[at] = from;
    this.cells[at + 1] = to;
    this.cells[at + 2] = escaped ? ESCAPED : 0;
  }

  /**
   * Codes the cells of the record last found (record-cells.ts): a cell with the bytes of an
   * earlier cell of its row takes that cell's text, a repeating one a remembered text.
   */
  private judgeCells(buf: Buffer): void {
    const { cells, fields, memo, twins } = this;
    if (twins.learning) twins.learn(buf, cells, fields);
    for (let i = 0, c = 0; i < fields; i++, c += CELL_STRIDE) {
      const twin = twins.twinOf(i, buf, cells);
      if (twin >= 0) {
        cells[c + 2] = -1 - twin;
        continue;
      }
      const from = cells[c] as number;
      const to = cells[c + 1] as number;
      const found = memo.find(i, buf, from, to);
      if (found >= 0) {
        cells[c + 2] = HIT | (found << SLOT_SHIFT);
        continue;
      }
      const kept = memo.keep(buf, from, to);
      if (kept >= 0) cells[c + 2] = (cells[c + 2] as number) | KEEP | (kept << SLOT_SHIFT);
    }
  }
}

/**
 * The records of a file fed chunk by chunk, with their texts: a RecordScanner and a CellCutter
 * on one thread.
 */
export class FastCsvSplitter implements RecordSink {
  private records: SplitRecord[] = [];
  private readonly cutter = new CellCutter();

  private constructor(private readonly scanner: RecordScanner) {}

  /** A splitter for these settings, or undefined when csv-parse must read the whole file (see RecordScanner.for). */
  static for(encoding: string, delimiter: string): FastCsvSplitter | undefined {
    const scanner = RecordScanner.for(encoding, delimiter);
    return scanner === undefined ? undefined : new FastCsvSplitter(scanner);
  }

  /** Line on which the next record starts. */
  get line(): number {
    return this.scanner.line;
  }

  get encoding(): FastEncoding {
    return this.scanner.encoding;
  }

  /** The complete records of what has been written so far (see RecordScanner.write). */
  write(chunk: Buffer): Split {
    return this.taken(this.scanner.write(chunk, this));
  }

  /** The last record, at the end of the file. */
  end(): Split {
    return this.taken(this.scanner.end(this));
  }

  record(buf: Buffer, cells: Int32Array, fields: number, line: number, oneByte: boolean): void {
    this.records.push({ kind: 'record', values: this.cutter.values(buf, cells, 0, fields, oneByte), line, oneByte });
  }

  private taken(handover: Buffer | undefined): Split {
    const { records } = this;
    this.records = [];
    return { records, handover };
  }
}

function startsWith(buf: Buffer, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => buf[i] === byte);
}
