/** Field checks of the mapper; each returns the clean value or a problem for the reject. */

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

/** Conversation statuses a note may set (Help Scout's words, lowercase). */
const STATUSES = new Set(['active', 'pending', 'closed']);

export function noteStatus(raw: string): string | FieldProblem {
  const text = raw.trim().toLowerCase();
  return STATUSES.has(text) ? text : { problem: `status must be active, pending or closed, got ${JSON.stringify(raw)}` };
}
