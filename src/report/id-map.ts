import type { NoteResult } from '../pipeline/results.ts';
import { csvLine } from './csv-cell.ts';

/**
 * id-map.csv, line by line: source ticket and note → Help Scout conversation and thread. A
 * million notes make a 40 MB file; it is written as it is made, never held whole.
 */
export function* idMapLines(results: Iterable<NoteResult>): Iterable<string> {
  yield csvLine(['ticket', 'note', 'conversation', 'thread', 'mergedFrom']);
  for (const r of results) {
    if (r.status !== 'done' && r.status !== 'moved') continue;
    yield csvLine([r.ticket, r.id, r.conversation, r.thread, r.status === 'moved' ? r.from : undefined]);
  }
}
