/**
 * A copy of `text` that holds only its own characters. A substring of 13 characters or more is,
 * in V8, a view that keeps the whole string it was cut from alive: the CSV reader cuts a row's
 * cells from the row's text, so a ticket's e-mail kept for the whole run would keep its first
 * row, text and all (30 MB over a million notes). Kept strings go through here; passing ones need not.
 */
export function ownCopy(text: string): string {
  // Slicing a fresh concatenation flattens it into a new string; the view then holds only that.
  return (' ' + text).slice(1);
}
