import { normaliseAttachments } from '../attachment-normalise.ts';
import { asArray, asObject, asText, asTimestamp, type JsonObject } from './json-value.ts';
import { displayName, personOf, type People } from './people.ts';
import { listAt, messageBody, requiredId, type Preset, type PresetMessage, type PresetOptions, type PresetTicket, type TicketFacts, type WritablePresetMessage } from './preset.ts';

/**
 * Zendesk. Three record shapes, told apart by their keys:
 * - a ticket (Admin Center JSON export, one a line, or `{"tickets": [...]}`) with `comments[]`;
 *   comment 1 is the first message and `description` repeats it, so `description` is only used
 *   when a ticket has no comments at all (incremental ticket exports carry none);
 * - an audit (`{"audits": [...]}`): its `Comment` events, author falling back to the audit's;
 * - a ticket event (`{"ticket_events": [...]}` with `include=comment_events`): its `Comment` child events.
 */
export const zendesk: Preset = {
  wrapperKeys: ['tickets', 'audits', 'ticket_events'],
  ticketOf(record, options) {
    if (Array.isArray(record.events)) return fromAudit(record, options);
    if (Array.isArray(record.child_events)) return fromTicketEvent(record, options);
    return fromTicket(record, options);
  },
};

function fromTicket(ticket: JsonObject, options: PresetOptions): PresetTicket {
  const id = requiredId(ticket.id, 'id', 'Zendesk ticket');
  const requester = personOf(ticket.requester);
  const people = options.people.withEmbedded([ticket.requester, ticket.submitter, ticket.assignee]);
  const ticketChannel = asText(asObject(ticket.via)?.channel);
  const defaults: CommentDefaults = { people, channel: ticketChannel, author: undefined, createdAt: undefined };
  const messages: PresetMessage[] = [];
  for (const value of listAt(ticket, ['comments'], `Zendesk ticket ${id}`)) {
    const comment = asObject(value);
    if (comment !== undefined) messages.push(commentMessage(comment, defaults));
  }
  const subject = asText(ticket.subject) ?? asText(ticket.raw_subject);
  const facts: { -readonly [K in keyof TicketFacts]: TicketFacts[K] } = { ticket: id };
  if (requester.email !== undefined) facts.customerEmail = requester.email;
  if (subject !== undefined) facts.subject = subject;
  return { facts, messages: messages.length > 0 ? messages : descriptionMessage(ticket, people, ticketChannel) };
}

/** A ticket without comments still has its first message in `description`. */
function descriptionMessage(ticket: JsonObject, people: People, channel: string | undefined): PresetMessage[] {
  const body = messageBody([], [ticket.description]);
  if (body.text === '') return [];
  const author = people.nameOf(ticket.requester_id) ?? displayName(personOf(ticket.requester));
  return [message('description', asTimestamp(ticket.created_at), body, author, 'public', channel, [])];
}

function fromAudit(audit: JsonObject, options: PresetOptions): PresetTicket {
  const ticket = requiredId(audit.ticket_id, 'ticket_id', 'Zendesk audit');
  const channel = asText(asObject(audit.via)?.channel);
  const messages = asArray(audit.events)
    .map(asObject)
    .filter((event) => event !== undefined && event.type === 'Comment')
    .map((event) => commentMessage(event as JsonObject, { people: options.people, channel, author: audit.author_id, createdAt: audit.created_at }));
  return { facts: { ticket }, messages };
}

function fromTicketEvent(event: JsonObject, options: PresetOptions): PresetTicket {
  const ticket = requiredId(event.ticket_id, 'ticket_id', 'Zendesk ticket event');
  const channel = asText(asObject(event.via)?.channel);
  const messages = asArray(event.child_events)
    .map(asObject)
    .filter((child) => child !== undefined && child.event_type === 'Comment')
    .map((child) => commentMessage(child as JsonObject, { people: options.people, channel, author: event.updater_id, createdAt: event.timestamp }));
  return { facts: { ticket }, messages };
}

interface CommentDefaults {
  readonly people: People;
  readonly channel: string | undefined;
  /** Audits and ticket events carry the author and time on the container, not always on the comment. */
  readonly author: unknown;
  readonly createdAt: unknown;
}

function commentMessage(comment: JsonObject, defaults: CommentDefaults): PresetMessage {
  return message(
    asText(comment.id) ?? '',
    asTimestamp(comment.created_at) ?? asTimestamp(defaults.createdAt),
    // `plain_body` re-flows whitespace; `body` is the text as written.
    messageBody([comment.html_body], [comment.body, comment.plain_body]),
    defaults.people.nameOf(comment.author_id ?? defaults.author),
    comment.public === false ? 'private' : 'public',
    asText(asObject(comment.via)?.channel) ?? defaults.channel,
    normaliseAttachments(comment.attachments),
  );
}

/** One shape for every message, optional fields only when known (not spread in: this runs once per note). */
function message(
  id: string,
  createdAt: PresetMessage['createdAt'],
  body: Pick<PresetMessage, 'text' | 'html'>,
  author: string | undefined,
  visibility: 'public' | 'private',
  channel: string | undefined,
  attachments: PresetMessage['attachments'],
): PresetMessage {
  const out: WritablePresetMessage = { id, createdAt, text: body.text, html: body.html, visibility, attachments };
  if (author !== undefined) out.author = author;
  if (channel !== undefined) out.channel = channel;
  return out;
}
