import type { MessageKind, TicketStatus } from '../../mapper/note-draft.ts';
import { normaliseAttachments } from '../attachment-normalise.ts';
import { asArray, asObject, asText, asTimestamp, textList, type JsonObject } from './json-value.ts';
import { displayName, personOf, type People } from './people.ts';
import {
  listAt,
  messageBody,
  requiredId,
  ticketStatusOf,
  type Preset,
  type PresetMessage,
  type PresetTicket,
  type WritablePresetMessage,
  type WritableTicketFacts,
} from './preset.ts';

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

/** Freshdesk's built-in statuses (2 Open, 3 Pending, 4 Resolved, 5 Closed) in Help Scout's words. */
const STATUSES: ReadonlyMap<string, TicketStatus> = new Map([
  ['2', 'active'],
  ['3', 'pending'],
  ['4', 'closed'],
  ['5', 'closed'],
]);

function fromTicket(ticket: JsonObject, knownPeople: People): PresetTicket {
  const id = requiredId(ticket.id, 'id', 'Freshdesk ticket');
  const requester = personOf(ticket.requester);
  const people = knownPeople.withEmbedded([{ ...requester, id: ticket.requester_id }]);

  // Who the requester is when the ticket does not embed them (legacy v1, the XML export: Users.xml).
  const customer = people.find(ticket.requester_id);

  const messages: PresetMessage[] = [];
  const description = messageBody([ticket.description], [ticket.description_text]);
  const descriptionAttachments = normaliseAttachments(ticket.attachments);
  if (description.text !== '' || descriptionAttachments.length > 0) {
    // The requester opened the ticket: the description is theirs.
    messages.push(
      message('description', asTimestamp(ticket.created_at), description, {
        author: displayName(customer) ?? displayName(requester),
        authorEmail: customer?.email ?? requester.email,
        visibility: 'public',
        kind: 'customer',
        attachments: descriptionAttachments,
      }),
    );
  }
  for (const value of listAt(ticket, ['conversations'], `Freshdesk ticket ${id}`)) {
    const entry = asObject(value);
    if (entry === undefined) continue;
    const author = people.find(entry.user_id);
    const fromEmail = asText(entry.from_email);
    const isPrivate = entry.private === true;
    messages.push(
      message(asText(entry.id) ?? '', asTimestamp(entry.created_at), messageBody([entry.body], [entry.body_text]), {
        author: displayName(author) ?? fromEmail ?? sideOf(entry.incoming),
        authorEmail: author?.email ?? (fromEmail === undefined ? undefined : addressIn(fromEmail)),
        visibility: isPrivate ? 'private' : 'public',
        kind: conversationKind(isPrivate, entry.incoming),
        attachments: normaliseAttachments(entry.attachments),
      }),
    );
  }
  const customerEmail = requester.email ?? customer?.email ?? asText(ticket.email);
  const customerName = requester.name ?? customer?.name;
  const subject = asText(ticket.subject);
  const tags = textList(ticket.tags);
  const ticketStatus = ticketStatusOf(ticket.status, STATUSES);
  const facts: WritableTicketFacts = { ticket: id };
  if (customerEmail !== undefined) facts.customerEmail = customerEmail;
  if (subject !== undefined) facts.subject = subject;
  if (tags.length > 0) facts.tags = tags;
  if (ticketStatus !== undefined) facts.ticketStatus = ticketStatus;
  if (customerName !== undefined) facts.customerName = customerName;
  return { facts, messages };
}

/** Exports name few users: when nobody knows the user, `incoming` still tells which side wrote it. */
function sideOf(incoming: unknown): string | undefined {
  return incoming === true ? 'Customer' : incoming === false ? 'Agent' : undefined;
}

/**
 * `private` first: a private note stays a note even when `incoming` says it came from outside
 * (a customer's or a third party's mail Freshdesk filed as private): Freshdesk kept it from the
 * requester, and only a note stays internal in Help Scout. Then `incoming` → the customer's;
 * the rest are agents' replies.
 */
function conversationKind(isPrivate: boolean, incoming: unknown): MessageKind {
  if (isPrivate) return 'note';
  return incoming === true ? 'customer' : 'reply';
}

/** `from_email` is often `Name <address>`: the address. */
function addressIn(from: string): string {
  const bracketed = /<([^<>]*)>\s*$/.exec(from)?.[1];
  return bracketed?.trim() ?? from;
}

interface MessageParts {
  readonly author: string | undefined;
  readonly authorEmail: string | undefined;
  readonly visibility: 'public' | 'private';
  readonly kind: MessageKind;
  readonly attachments: PresetMessage['attachments'];
}

/** Optional fields only when known, assigned one by one (runs once per note). */
function message(id: string, createdAt: PresetMessage['createdAt'], body: Pick<PresetMessage, 'text' | 'html'>, parts: MessageParts): PresetMessage {
  const out: WritablePresetMessage = { id, createdAt, text: body.text, html: body.html, visibility: parts.visibility, kind: parts.kind, attachments: parts.attachments };
  if (parts.author !== undefined) out.author = parts.author;
  if (parts.authorEmail !== undefined) out.authorEmail = parts.authorEmail;
  return out;
}

/**
 * v1 → v2 names: `display_id` is the number agents know (v2's `id`), notes are conversations.
 * The account export's XML is the same Rails serialisation (freshdesk-xml.ts reads it into
 * this shape), except that its notes are not wrapped in `{note}` and its tags are `{name}`.
 */
export function fromLegacy(t: JsonObject): JsonObject {
  const id = t.display_id ?? t.id;
  return {
    ...t,
    id,
    description: t.description_html,
    description_text: t.description,
    requester: t.requester ?? { name: t.requester_name },
    tags: asArray(t.tags).map((tag) => asObject(tag)?.name ?? tag),
    conversations: listAt(t, ['notes'], `Freshdesk ticket ${requiredId(id, 'id', 'Freshdesk ticket')}`).map((wrapped) => {
      const note = asObject(asObject(wrapped)?.note) ?? asObject(wrapped) ?? {};
      return { ...note, body: note.body_html, body_text: note.body };
    }),
  };
}
