/**
 * A cell whose bytes are those of an earlier cell of its record shares that cell's string: a
 * message written by the ticket's customer has the same address in customerEmail and
 * authorEmail and the same name in author and customerName. Comparing the bytes costs less than
 * cutting (or finding) a new string, and the mapper's and the note table's checks of whether
 * the author is the customer then compare two pointers.
 *
 * Each column learns over the first records which earlier column it most often equals; a
 * column that equals none in a quarter of them is not compared again.
 */

import { CELL_STRIDE } from './record-cells.ts';

/** Records the columns are judged on. */
const LEARNING = 1024;
/** Columns beyond this are not learnt (no export of DESIGN §3 comes near). */
const MAX_COLUMNS = 64;

export class RowTwins {
  private records = 0;
  /** `counts[c * MAX_COLUMNS + j]`: learning records in which cell c equalled the earlier cell j. */
  private readonly counts = new Int32Array(MAX_COLUMNS * MAX_COLUMNS);
  /** For each column, the earlier column it is compared with (-1: none); undefined while learning. */
  private twins: Int32Array | undefined;

  get learning(): boolean {
    return this.twins === undefined;
  }

  /**
   * The earlier column whose cell in this record has the bytes of `column`'s, or -1. `cells`
   * holds [from, to) of each cell's bytes in `buf` (see record-cells.ts).
   */
  twinOf(column: number, buf: Uint8Array, cells: Int32Array): number {
    const { twins } = this;
    if (twins === undefined || column >= MAX_COLUMNS) return -1;
    const twin = twins[column] as number;
    return twin >= 0 && sameBytes(buf, cells, column, twin) ? twin : -1;
  }

  /** Counts which earlier cells this record's cells equal; judges the columns after LEARNING records. */
  learn(buf: Uint8Array, cells: Int32Array, fields: number): void {
    const columns = Math.min(fields, MAX_COLUMNS);
    for (let c = 1; c < columns; c++) {
      if (cells[c * CELL_STRIDE] === cells[c * CELL_STRIDE + 1]) continue;
      for (let j = 0; j < c; j++) if (sameBytes(buf, cells, c, j)) (this.counts[c * MAX_COLUMNS + j] as number)++;
    }
    if (++this.records === LEARNING) this.judge();
  }

  private judge(): void {
    const twins = new Int32Array(MAX_COLUMNS).fill(-1);
    for (let c = 1; c < MAX_COLUMNS; c++) {
      let best = 0;
      for (let j = 0; j < c; j++) {
        const count = this.counts[c * MAX_COLUMNS + j] as number;
        if (count * 4 >= LEARNING && count > best) {
          best = count;
          twins[c] = j;
        }
      }
    }
    this.twins = twins;
  }
}

/** Whether cells a and b of the record have the same bytes (a quoted cell's `""` among them, so the same text). */
function sameBytes(buf: Uint8Array, cells: Int32Array, a: number, b: number): boolean {
  const from = cells[a * CELL_STRIDE] as number;
  const length = (cells[a * CELL_STRIDE + 1] as number) - from;
  const other = cells[b * CELL_STRIDE] as number;
  if ((cells[b * CELL_STRIDE + 1] as number) - other !== length) return false;
  for (let i = 0; i < length; i++) if (buf[from + i] !== buf[other + i]) return false;
  return true;
}
