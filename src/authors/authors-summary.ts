import type { NoteTable } from '../plan/note-table.ts';
import type { UserDirectory } from './user-directory.ts';

/** One author of the export: how many of the notes at hand they wrote, and their Help Scout user. */
export interface AuthorLine {
  readonly email: string;
  readonly notes: number;
  /** undefined: no Help Scout user matches (invite them, or map them in `source.userMap`). */
  readonly user?: number;
}

export interface AuthorsSummary {
  /** Matched first, then unmatched; most notes first within each. */
  readonly authors: readonly AuthorLine[];
  readonly notesWithUser: number;
  readonly notesWithoutAuthor: number;
  /** How the notes go as threads: every one a note, or by kind with `policy.threads: "native"`. */
  readonly threads: { readonly note: number; readonly customer: number; readonly reply: number };
}

/**
 * Who wrote the notes `include` picks and whether each author has a Help Scout user: the table a
 * migration lead reads to invite missing agents before the run. Customers are authors too; they
 * have no user by nature, so only authors of replies and notes count as unmatched users.
 */
export function summariseAuthors(table: NoteTable, directory: UserDirectory, native: boolean, include: (note: number) => boolean): AuthorsSummary {
  // Counted by the table's number for each author, then named: a customer's address is kept as
  // bytes by ticket, and decoding and hashing one per note was half a second over a million.
  // Customers by ticket in a typed array: a Map of 100k tickets cost a cache miss per note.
  const byTicket = new Int32Array(table.ticketCount);
  const byAgent = new Map<number, number>();
  const threads = { note: 0, customer: 0, reply: 0 };
  let notesWithoutAuthor = 0;
  for (let note = 0; note < table.size; note++) {
    if (!include(note)) continue;
    const kind = table.kind(note);
    threads[native ? kind : 'note']++;
    const ref = table.authorRef(note);
    if (ref === 0) notesWithoutAuthor++;
    else if (kind === 'customer') continue;
    else if (ref < 0) byTicket[-1 - ref] = (byTicket[-1 - ref] ?? 0) + 1;
    else byAgent.set(ref, (byAgent.get(ref) ?? 0) + 1);
  }
  const counts = new Map<string, number>();
  const count = (ref: number, notes: number): void => {
    const email = table.authorByRef(ref);
    if (email !== undefined) counts.set(email, (counts.get(email) ?? 0) + notes);
  };
  byTicket.forEach((notes, ticket) => {
    if (notes > 0) count(-1 - ticket, notes);
  });
  for (const [ref, notes] of byAgent) count(ref, notes);
  let notesWithUser = 0;
  const authors = [...counts].map(([email, notes]): AuthorLine => {
    const user = directory.userOf(email);
    if (user === undefined) return { email, notes };
    notesWithUser += notes;
    return { email, notes, user };
  });
  authors.sort((a, b) => Number(a.user === undefined) - Number(b.user === undefined) || b.notes - a.notes || a.email.localeCompare(b.email));
  return { authors, notesWithUser, notesWithoutAuthor, threads };
}
