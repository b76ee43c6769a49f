/**
 * A record's cells as the fast splitter finds them, before they are text: CELL_STRIDE numbers a
 * cell, the [from, to) of its bytes and a code that says how its text is made. The splitter
 * judges, from the bytes, which cells repeat (see CellMemo, RowTwins); whoever holds the bytes
 * then makes the texts (CellCutter), on the splitter's thread or, for a large export, on the
 * reader's while the splitter reads ahead on its own (see csv-split-thread.ts).
 */

export const CELL_STRIDE = 3;

/**
 * A code of 0 or more: cut the text from the bytes, `""` undone when ESCAPED; with a memo slot
 * (slot << SLOT_SHIFT), HIT: the text is the one the slot holds, KEEP: the slot holds it from now
 * on. A code below 0: the text of the record's earlier cell −1 − code (the same bytes).
 */
export const ESCAPED = 1;
export const HIT = 2;
export const KEEP = 4;
export const SLOT_SHIFT = 3;

/** Where a splitter gives the records it finds. */
export interface RecordSink {
  /** A record in `buf`: its `fields` cells from `cells[0]`, the line it starts on, whether its text is one byte a letter. */
  record(buf: Buffer, cells: Int32Array, fields: number, line: number, oneByte: boolean): void;
}

/** Makes a record's texts from its bytes and its cells' codes; keeps the texts the codes put in memo slots. */
export class CellCutter {
  private readonly texts: string[] = [];

  /**
   * The texts of the record whose cells start at `cells[at]`. A one-byte record (ASCII, or any
   * latin1) is decoded once and cut into substrings: a native decode call per field cost ten
   * times a substring, a fifth of reading a million rows. Other UTF-8 records decode field by field.
   */
  values(buf: Buffer, cells: Int32Array, at: number, fields: number, oneByte: boolean): string[] {
    const values = new Array<string>(fields);
    if (fields === 0) return values;
    const start = cells[at] as number;
    const text = oneByte ? buf.toString('latin1', start, cells[at + (fields - 1) * CELL_STRIDE + 1]) : '';
    const { texts } = this;
    for (let i = 0, c = at; i < fields; i++, c += CELL_STRIDE) {
      const code = cells[c + 2] as number;
      if (code < 0) {
        values[i] = values[-1 - code] as string;
        continue;
      }
      if (code & HIT) {
        values[i] = texts[code >>> SLOT_SHIFT] as string;
        continue;
      }
      const from = cells[c] as number;
      const to = cells[c + 1] as number;
      const cut = oneByte ? text.substring(from - start, to - start) : buf.toString(undefined, from, to);
      // A cell's bytes decide its text (a quoted cell's `""` are among them), so it is shared by its bytes.
      const value = code & ESCAPED ? cut.replaceAll('""', '"') : cut;
      if (code & KEEP) {
        const slot = code >>> SLOT_SHIFT;
        // Filled up to the slot, so the array stays packed (one written far ahead turns sparse and slow).
        while (texts.length < slot) texts.push('');
        texts[slot] = value;
      }
      values[i] = value;
    }
    return values;
  }
}
