/**
 * A copy of `text` that holds only its own characters, in one piece. A substring of 13
 * characters or more is, in V8, a view that keeps the whole string it was cut from alive: the CSV
 * reader cuts a row's cells from the row's text, so a ticket's e-mail kept for the whole run would
 * keep its first row, text and all (30 MB over a million notes). Kept strings go through here.
 */
export function ownCopy(text: string): string {
  // A parsed JSON string is a fresh flat string, exact for any text (lone surrogates included).
  // Flat, not a view of a copy: comparing against it touches one object, not two (a tenth of
  // `plan`'s extra time with authors was comparing each note's author with its ticket's e-mail).
  return JSON.parse(JSON.stringify(text)) as string;
}
