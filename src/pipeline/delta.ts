import { landedNotes } from '../checkpoint/landed.ts';
import type { ReplayedState } from '../checkpoint/replay.ts';
import { noteIdOf } from '../mapper/note-key.ts';
import type { NoteTable } from '../plan/note-table.ts';

/** What a newer export brings against what the import already landed (DESIGN §7). */
export interface DeltaSummary {
  /** Notes of this export that earlier runs landed: skipped. */
  readonly importedBefore: number;
  /** Notes still to send, of tickets the import already holds (they go on in their chain) ... */
  readonly newInKnownTickets: number;
  /** ... and of tickets never seen (new conversations, or the conversation the export names). */
  readonly newInNewTickets: number;
  /** Landed notes whose date or text differ in this export: reported, never sent again. */
  readonly changedSinceImport: readonly { readonly ticket: string; readonly note: string }[];
}

/**
 * Counts the delta from each note's settled state (`done[note]`: landed by an earlier run;
 * `pending[note]`: still to send) and lists landed notes whose content changed since, by the
 * content hashes the checkpoint kept for what was sent.
 */
export function deltaSummary(table: NoteTable, checkpoint: string, done: (note: number) => boolean, pending: (note: number) => boolean): DeltaSummary {
  const knownTickets = new Set<number>();
  let importedBefore = 0;
  for (let note = 0; note < table.size; note++) {
    if (!done(note)) continue;
    importedBefore++;
    knownTickets.add(table.ticketNumber(note));
  }
  let newInKnownTickets = 0;
  let newInNewTickets = 0;
  for (let note = 0; note < table.size; note++) {
    if (!pending(note)) continue;
    if (knownTickets.has(table.ticketNumber(note))) newInKnownTickets++;
    else newInNewTickets++;
  }
  return { importedBefore, newInKnownTickets, newInNewTickets, changedSinceImport: importedBefore === 0 ? [] : changedNotes(table, checkpoint) };
}

function changedNotes(table: NoteTable, checkpoint: string): { ticket: string; note: string }[] {
  const changed: { ticket: string; note: string }[] = [];
  for (const landed of landedNotes(checkpoint, { merges: false })) {
    if (landed.content === undefined) continue;
    const note = table.noteOf(landed.key);
    if (note < 0 || table.content(note) === 0 || table.content(note) === landed.content) continue;
    changed.push({ ticket: table.ticket(note), note: noteIdOf(landed.key) });
  }
  return changed;
}

/**
 * The newest conversation earlier runs created for each lane that still has notes to send: a
 * delta's new notes go on there while it has room (its real thread count is looked up).
 */
export function lastPartsOf(table: NoteTable, pending: (note: number) => boolean, replay: Pick<ReplayedState, 'lanes'>): Set<number> {
  const parts = new Set<number>();
  if (replay.lanes.size === 0) return parts;
  const seenTickets = new Set<number>();
  for (let note = 0; note < table.size; note++) {
    if (!pending(note)) continue;
    const conversation = table.conversation(note);
    let lane: string;
    if (conversation !== undefined) lane = `conversation:${conversation}`;
    else {
      const ticket = table.ticketNumber(note);
      if (seenTickets.has(ticket)) continue;
      seenTickets.add(ticket);
      lane = `ticket:${table.ticket(note)}`;
    }
    const last = replay.lanes.get(lane)?.lastPart;
    if (last !== undefined) parts.add(last);
  }
  return parts;
}
