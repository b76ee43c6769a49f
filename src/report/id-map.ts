import type { NoteResult } from '../pipeline/results.ts';
import { csvLine } from './csv-cell.ts';

/** id-map.csv: source ticket and note → Help Scout conversation and thread. */
export function idMapCsv(results: Iterable<NoteResult>): string {
  let out = csvLine(['ticket', 'note', 'conversation', 'thread', 'mergedFrom']);
  for (const r of results) {
    if (r.status !== 'done' && r.status !== 'moved') continue;
    out += csvLine([r.ticket, r.id, r.conversation, r.thread, r.status === 'moved' ? r.from : undefined]);
  }
  return out;
}
