import { ChunkedColumn } from '../core/chunked-column.ts';
import { landedNotes } from '../checkpoint/landed.ts';
import { KeySet } from '../core/key-set.ts';
import { WideColumn } from '../core/wide-column.ts';

/**
 * Every note the import landed, as `verify` needs it: key, conversation, thread id (0: not
 * known), in typed columns and packed keys. A million `LandedNote` objects or a Map of key
 * strings would not fit beside the export's index in 256 MB; this costs tens of bytes a note.
 */
export class LandedColumns {
  /** A note's id here is its position in the log's order of landing. */
  readonly keys = new KeySet();
  private readonly conversationOf = new WideColumn();
  private readonly threadOf = new WideColumn();
  /** Content hash as sent (0: the log did not keep it). */
  private readonly contentOf = new ChunkedColumn((n) => new Uint32Array(n));

  static read(checkpointPath: string): LandedColumns {
    const columns = new LandedColumns();
    for (const note of landedNotes(checkpointPath)) {
      const at = columns.keys.size;
      // A key settled twice in the log keeps its first record: one note, checked once.
      if (columns.keys.add(note.key) !== at) continue;
      columns.conversationOf.set(at, note.conversation);
      columns.threadOf.set(at, note.thread ?? 0);
      columns.contentOf.set(at, note.content ?? 0);
    }
    return columns;
  }

  get size(): number {
    return this.keys.size;
  }
  key(note: number): string {
    return this.keys.key(note);
  }
  conversation(note: number): number {
    return this.conversationOf.get(note);
  }
  /** The content hash it was sent with; 0 when not known. */
  content(note: number): number {
    return this.contentOf.get(note);
  }
  /** 0 when no thread id is known for it. */
  thread(note: number): number {
    return this.threadOf.get(note);
  }
}
