import type { LandedNote } from '../checkpoint/landed.ts';
import { noteIdOf, ticketOfKey } from '../mapper/note-key.ts';
import { csvLine } from './csv-cell.ts';

/**
 * id-map.csv, line by line: source ticket and note → Help Scout conversation and thread, for
 * every note the import ever landed (all runs and deltas, read from the checkpoint). `via`: the
 * existing conversation whose history the note is, when it landed in a side conversation or a
 * continuation the import created for it. A million
 * notes make a 40 MB file; it is written as it is made, never held whole.
 */
export function* idMapLines(landed: Iterable<LandedNote>): Iterable<string> {
  yield csvLine(['ticket', 'note', 'conversation', 'thread', 'mergedFrom', 'via']);
  for (const note of landed) yield csvLine([ticketOfKey(note.key), noteIdOf(note.key), note.conversation, note.thread, note.mergedFrom, note.via]);
}
