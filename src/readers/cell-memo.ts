/**
 * Short cells that repeat down a column (a kind, a status, a tag list, an agent's address) are
 * cut from the file once and then shared: the splitter finds the cell's bytes among the column's
 * remembered values, and the cell's text is then the one cut when they were kept (see
 * CellCutter), instead of a new string per row. Finding a cell costs about what cutting it did;
 * the gain is after: no garbage per cell (planning the 1M export with DESIGN §8's columns
 * collects as often as without them), and a Map that a shared string keys (tags, authors) has
 * its hash already, where a new string must be hashed in the runtime.
 *
 * The memo holds bytes only, so that it can judge cells on a thread other than the one that
 * makes their texts. Each column learns over its first cells whether it repeats; one that does
 * not (ids, dates, subjects) is not looked at again.
 */

/** Longer cells are never shared: texts and subjects rarely repeat (an agent's address fits). */
const MAX_SHARED_BYTES = 48;
/** Slots per column, a value in the slot of its hash: room for a team of agents, a few hundred names, some tag sets. */
const SLOTS = 256;
/**
 * Columns remembered: 3 MB of slots. A malformed record of thousands of cells made the memo
 * widen cell by cell, copying ever larger arrays (a 25,000-cell record never finished).
 */
const MAX_COLUMNS = 256;
/** Cells a column is judged on; it is shared from then on if a quarter of them were found. */
const LEARNING = 1024;
const LEARNING_STATE = 0;
const SHARED = 1;
const UNSHARED = 2;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Every column's memo in flat typed arrays (slot s of column c at `c * SLOTS + s`): looking up allocates nothing. */
export class CellMemo {
  private columns = 0;
  private state = new Uint8Array(0);
  private seen = new Int32Array(0);
  private found = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** -1: an empty slot. */
  private lengths = new Int32Array(0);
  /**
   * 1: the slot's value was found since a cell last missed there. Such a value is kept once more
   * (a second chance): an author column mixes agents, who repeat, with customers, who do not,
   * and a customer's address must not push an agent's out.
   */
  private recentlyFound = new Uint8Array(0);
  private bytes = new Uint8Array(0);
  /** The slot `find` last looked in, which `keep` fills. */
  private slot = -1;
  private hash = 0;

  /** The slot that holds the bytes of column `column`'s cell `buf[from, to)`, or -1: then `keep` them. */
  find(column: number, buf: Uint8Array, from: number, to: number): number {
    this.slot = -1;
    const length = to - from;
    if (length > MAX_SHARED_BYTES || length === 0 || column >= MAX_COLUMNS) return -1;
    if (column >= this.columns) this.widen(Math.min(MAX_COLUMNS, Math.max(column + 1, 2 * this.columns)));
    const state = this.state[column];
    if (state === UNSHARED) return -1;
    let hash = FNV_OFFSET;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ (buf[i] as number), FNV_PRIME);
    hash ^= hash >>> 16;
    const slot = column * SLOTS + (hash & (SLOTS - 1));
    if (state === LEARNING_STATE && ++(this.seen[column] as number) === LEARNING) this.judge(column);
    if (this.hashes[slot] === hash && this.lengths[slot] === length && this.holds(slot, buf, from, length)) {
      (this.found[column] as number)++;
      this.recentlyFound[slot] = 1;
      return slot;
    }
    this.slot = slot;
    this.hash = hash;
    return -1;
  }

  /** Remembers the bytes of the cell `find` just missed, in its slot (a value there before goes): the slot, or -1 when kept out. */
  keep(buf: Uint8Array, from: number, to: number): number {
    const { slot } = this;
    if (slot < 0) return -1;
    if (this.recentlyFound[slot] === 1) {
      this.recentlyFound[slot] = 0;
      return -1;
    }
    const length = to - from;
    const at = slot * MAX_SHARED_BYTES;
    const { bytes } = this;
    for (let i = 0; i < length; i++) bytes[at + i] = buf[from + i] as number;
    this.hashes[slot] = this.hash;
    this.lengths[slot] = length;
    return slot;
  }

  private holds(slot: number, buf: Uint8Array, from: number, length: number): boolean {
    const at = slot * MAX_SHARED_BYTES;
    const { bytes } = this;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== buf[from + i]) return false;
    return true;
  }

  private judge(column: number): void {
    this.state[column] = (this.found[column] as number) * 4 >= LEARNING ? SHARED : UNSHARED;
  }

  private widen(columns: number): void {
    const copied = <T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(wider: T, old: T): T => {
      wider.set(old);
      return wider;
    };
    this.state = copied(new Uint8Array(columns), this.state);
    this.seen = copied(new Int32Array(columns), this.seen);
    this.found = copied(new Int32Array(columns), this.found);
    this.hashes = copied(new Int32Array(columns * SLOTS), this.hashes);
    this.lengths = copied(new Int32Array(columns * SLOTS).fill(-1), this.lengths);
    this.recentlyFound = copied(new Uint8Array(columns * SLOTS), this.recentlyFound);
    this.bytes = copied(new Uint8Array(columns * SLOTS * MAX_SHARED_BYTES), this.bytes);
    this.columns = columns;
  }
}
