/**
 * A note's stable identity `ticket:id`. A `:` or `%` inside the ticket id is percent-encoded so
 * that ticket `a:b` note `c` and ticket `a` note `b:c` never share a key (a false duplicate
 * would silently drop a note). Ordinary ids pass through unchanged.
 */
export function noteKey(ticket: string, id: string): string {
  const safeTicket = ticket.includes(':') || ticket.includes('%') ? ticket.replaceAll('%', '%25').replaceAll(':', '%3A') : ticket;
  return `${safeTicket}:${id}`;
}

/** The note id inside a key: everything after the first `:` (the ticket part never holds one). */
export function noteIdOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

/** The ticket id inside a key, decoded: the inverse of `noteKey`'s ticket part. */
export function ticketOfKey(key: string): string {
  const ticket = key.slice(0, key.indexOf(':'));
  return ticket.includes('%') ? ticket.replaceAll('%3A', ':').replaceAll('%25', '%') : ticket;
}
