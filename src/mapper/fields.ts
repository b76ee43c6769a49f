/** Field checks of the mapper; each returns the clean value or a problem for the reject. */

import type { MessageKind, TicketStatus } from './note-draft.ts';

export interface FieldProblem {
  readonly problem: string;
}

const POSITIVE_INT = /^\d+$/;

/** Help Scout ids (`conversation`, `user`): positive integers, given as text or number. */
export function positiveId(raw: string): number | FieldProblem {
  const text = raw.trim();
  const n = Number(text);
  if (!POSITIVE_INT.test(text) || !Number.isSafeInteger(n) || n <= 0) return { problem: `must be a positive integer, got ${JSON.stringify(raw)}` };
  return n;
}

/** Deliberately loose: Help Scout is the judge; this only catches values that are clearly not an address. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function emailAddress(raw: string): string | FieldProblem {
  const text = raw.trim();
  return EMAIL.test(text) ? text : { problem: `not an email address: ${JSON.stringify(raw)}` };
}

/**
 * An author's address, lower-cased: users are matched on it case-insensitively (DESIGN §8).
 * Not an address → none, not a reject: the author is then unmatched, the note still lands.
 */
function authorAddress(raw: string): string | undefined {
  const text = lowerCase(raw.trim());
  return EMAIL.test(text) ? text : undefined;
}

/** Distinct author cells remembered; an export with more starts over. */
const MAX_AUTHORS = 4096;

/**
 * `authorAddress`, remembered by cell: a team of agents writes most replies, and the reader
 * shares a repeated cell's string, so the Map finds it by a hash it has already (a trim and two
 * regular expressions per reply before).
 */
export class AuthorAddresses {
  /** null: not an address. */
  private readonly known = new Map<string, string | null>();

  of(raw: string): string | undefined {
    let address = this.known.get(raw);
    if (address === undefined) {
      if (this.known.size >= MAX_AUTHORS) this.known.clear();
      address = authorAddress(raw) ?? null;
      this.known.set(raw, address);
    }
    return address ?? undefined;
  }
}

/** Upper-case ASCII, or anything beyond ASCII (which toLowerCase must judge). */
const MAY_LOWER = /[A-Z\u0080-\uffff]/;

/**
 * `text.toLowerCase()`, skipped when nothing in it can change, as in nearly every address:
 * toLowerCase scans the text through ICU even then, twice what this test costs.
 */
export function lowerCase(text: string): string {
  return MAY_LOWER.test(text) ? text.toLowerCase() : text;
}

/** Conversation statuses, Help Scout's words: a note's `status` and a ticket's `ticketStatus`. */
export const STATUSES: readonly TicketStatus[] = ['active', 'pending', 'closed'];
export const KINDS: readonly MessageKind[] = ['customer', 'reply', 'note'];

/**
 * The allowed value `raw` is, trimmed and lower-cased; else a problem naming the value and the
 * allowed ones. The value given back is the list's own string, a literal: the reader's strings
 * are not interned, and every later comparison with a literal (the note table's, the planner's,
 * delivery's) is then one of pointers, not of letters.
 */
export function oneOf<T extends string>(raw: string, allowed: readonly T[], field: string): T | FieldProblem {
  // Nearly every export writes the value as it is allowed: no trimmed, lower-cased copy per row
  // (and no closure per row for `find`).
  let at = (allowed as readonly string[]).indexOf(raw);
  if (at < 0) at = (allowed as readonly string[]).indexOf(raw.trim().toLowerCase());
  if (at >= 0) return allowed[at] as T;
  return { problem: `${field} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}, got ${JSON.stringify(raw)}` };
}
