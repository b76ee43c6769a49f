import { normaliseAttachments } from '../attachment-normalise.ts';
import { asObject, asText, asTimestamp, type JsonObject } from './json-value.ts';
import { displayName, personOf, type People } from './people.ts';
import { listAt, messageBody, requiredId, type Preset, type PresetMessage, type PresetTicket } from './preset.ts';

/**
 * Freshdesk API v2 tickets as `GET /api/v2/tickets/{id}?include=conversations,requester`
 * returns them (one a line, an array, or `{"tickets": [...]}`). The first message is only in the
 * ticket's `description` (HTML) / `description_text`, never in `conversations[]`: it becomes
 * the note `description`. `incoming` marks a customer's message: it names the author's side
 * when `user_id` is unknown. Attachment URLs are signed and expire: they are listed as links.
 * The legacy v1 shape (`{"helpdesk_ticket": {…, notes: [{note}]}}`) is read too.
 */
export const freshdesk: Preset = {
  wrapperKeys: ['tickets'],
  ticketOf(record, options) {
    const legacy = asObject(record.helpdesk_ticket);
    return fromTicket(legacy === undefined ? record : fromLegacy(legacy), options.people);
  },
};

function fromTicket(ticket: JsonObject, knownPeople: People): PresetTicket {
  const id = requiredId(ticket.id, 'id', 'Freshdesk ticket');
  const requester = personOf(ticket.requester);
  const people = knownPeople.withEmbedded([{ ...requester, id: ticket.requester_id }]);
  const authorOf = (userId: unknown, fromEmail: unknown): string | undefined => people.nameOf(userId) ?? asText(fromEmail);
  // Exports name few users: when nobody knows the user, `incoming` still tells which side wrote it.
  const sideOf = (incoming: unknown): string | undefined => (incoming === true ? 'Customer' : incoming === false ? 'Agent' : undefined);

  const messages: PresetMessage[] = [];
  const description = messageBody([ticket.description], [ticket.description_text]);
  const descriptionAttachments = normaliseAttachments(ticket.attachments);
  if (description.text !== '' || descriptionAttachments.length > 0) {
    const author = authorOf(ticket.requester_id, undefined) ?? displayName(requester);
    messages.push({
      id: 'description',
      createdAt: asTimestamp(ticket.created_at),
      ...description,
      ...(author === undefined ? {} : { author }),
      visibility: 'public',
      attachments: descriptionAttachments,
    });
  }
  for (const value of listAt(ticket, ['conversations'], `Freshdesk ticket ${id}`)) {
    const entry = asObject(value);
    if (entry === undefined) continue;
    const author = authorOf(entry.user_id, entry.from_email) ?? sideOf(entry.incoming);
    messages.push({
      id: asText(entry.id) ?? '',
      createdAt: asTimestamp(entry.created_at),
      ...messageBody([entry.body], [entry.body_text]),
      ...(author === undefined ? {} : { author }),
      visibility: entry.private === true ? 'private' : 'public',
      attachments: normaliseAttachments(entry.attachments),
    });
  }
  const customerEmail = requester.email ?? asText(ticket.email);
  const subject = asText(ticket.subject);
  return {
    facts: {
      ticket: id,
      ...(customerEmail === undefined ? {} : { customerEmail }),
      ...(subject === undefined ? {} : { subject }),
    },
    messages,
  };
}

/** v1 → v2 names: `display_id` is the number agents know (v2's `id`), notes are conversations. */
function fromLegacy(t: JsonObject): JsonObject {
  const id = t.display_id ?? t.id;
  return {
    ...t,
    id,
    description: t.description_html,
    description_text: t.description,
    requester: t.requester ?? { name: t.requester_name },
    conversations: listAt(t, ['notes'], `Freshdesk ticket ${requiredId(id, 'id', 'Freshdesk ticket')}`).map((wrapped) => {
      const note = asObject(asObject(wrapped)?.note) ?? {};
      return { ...note, body: note.body_html, body_text: note.body };
    }),
  };
}
