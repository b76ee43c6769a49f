import type { NoteTable } from '../plan/note-table.ts';

export interface Selection {
  /** Only the first N tickets of the export (a sample run on the real account). */
  readonly limit?: number;
  /** Only these source tickets. */
  readonly only?: readonly string[];
}

/** Which notes a `--limit`/`--only` run takes; undefined = all. */
export function selectNotes(table: NoteTable, selection: Selection): ((note: number) => boolean) | undefined {
  if (selection.limit === undefined && selection.only === undefined) return undefined;
  const only = selection.only ? new Set(selection.only) : undefined;
  const firstTickets = new Set<number>();
  const chosen = new Uint8Array(table.size);
  for (let note = 0; note < table.size; note++) {
    const ticket = table.ticketNumber(note);
    if (only && !only.has(table.ticket(note))) continue;
    if (selection.limit !== undefined && !firstTickets.has(ticket)) {
      if (firstTickets.size >= selection.limit) continue;
      firstTickets.add(ticket);
    }
    chosen[note] = 1;
  }
  return (note) => chosen[note] === 1;
}
