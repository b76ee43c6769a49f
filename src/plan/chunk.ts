/** Per-thread JSON overhead of a create request beyond the payload bytes (type, createdAt, flags). */
export const THREAD_OVERHEAD_BYTES = 128;
/** The request envelope of a create: subject, customer, tags, mailbox. */
export const CREATE_OVERHEAD_BYTES = 1024;

/**
 * Cuts notes (oldest first) into batches of at most `maxNotes` and, where it can, `maxBytes`:
 * a single note larger than the bound still gets a batch of its own (the server decides).
 */
export function chunkNotes(
  notes: Int32Array,
  maxNotes: number,
  maxBytes: number,
  bytesOf: (note: number) => number,
  firstMaxNotes = maxNotes,
): Int32Array[] {
  const batches: Int32Array[] = [];
  let start = 0;
  while (start < notes.length) {
    const limit = batches.length === 0 ? firstMaxNotes : maxNotes;
    let end = start;
    let bytes = CREATE_OVERHEAD_BYTES;
    while (end < notes.length && end - start < limit) {
      const next = bytesOf(notes[end] ?? 0) + THREAD_OVERHEAD_BYTES;
      if (end > start && bytes + next > maxBytes) break;
      bytes += next;
      end++;
    }
    batches.push(notes.subarray(start, end));
    start = end;
  }
  return batches;
}
