import type { LandedColumns } from './landed-columns.ts';

/**
 * The landed notes grouped by the conversation the log puts them in, without an object or an
 * array per conversation: the notes of `ids[c]` are `order[start[c]]` up to `order[start[c + 1]]`.
 */
export class ConversationGroups {
  private constructor(
    /** Distinct conversations, ascending. */
    readonly ids: Float64Array,
    private readonly order: Int32Array,
    private readonly start: Int32Array,
  ) {}

  /** A counting sort over the conversations' ranks: no comparator over a million notes. */
  static of(landed: LandedColumns): ConversationGroups {
    const n = landed.size;
    const sorted = new Float64Array(n);
    for (let note = 0; note < n; note++) sorted[note] = landed.conversation(note);
    sorted.sort();
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i] ?? 0;
    const ids = sorted.slice(0, distinct);
    const rank = new Int32Array(n);
    const start = new Int32Array(distinct + 1);
    for (let note = 0; note < n; note++) {
      const c = rankOf(ids, landed.conversation(note));
      rank[note] = c;
      start[c + 1] = (start[c + 1] ?? 0) + 1;
    }
    for (let c = 0; c < distinct; c++) start[c + 1] = (start[c + 1] ?? 0) + (start[c] ?? 0);
    const next = start.slice(0, distinct);
    const order = new Int32Array(n);
    for (let note = 0; note < n; note++) {
      const c = rank[note] ?? 0;
      order[next[c] ?? 0] = note;
      next[c] = (next[c] ?? 0) + 1;
    }
    return new ConversationGroups(ids, order, start);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The landed notes of the `c`-th conversation, in the log's order. */
  notes(c: number): Int32Array {
    return this.order.subarray(this.start[c] ?? 0, this.start[c + 1] ?? 0);
  }

  /** The rank of a conversation the log names (-1 if none of the notes is in it). */
  indexOf(conversation: number): number {
    return rankOf(this.ids, conversation);
  }
}

function rankOf(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = ids[mid] ?? 0;
    if (at === id) return mid;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
