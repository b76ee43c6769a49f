import type { MessageKind, TicketStatus } from '../../mapper/note-draft.ts';
import { normaliseAttachments } from '../attachment-normalise.ts';
import { asArray, asObject, asText, asTimestamp, textList, type JsonObject } from './json-value.ts';
import { displayName, personOf, type People, type Person } from './people.ts';
import {
  listAt,
  messageBody,
  requiredId,
  ticketStatusOf,
  type Preset,
  type PresetMessage,
  type PresetOptions,
  type PresetTicket,
  type WritablePresetMessage,
  type WritableTicketFacts,
} from './preset.ts';

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

/** Zendesk's statuses (and the categories custom statuses belong to) in Help Scout's words. */
const STATUSES: ReadonlyMap<string, TicketStatus> = new Map([
  ['new', 'active'],
  ['open', 'active'],
  ['pending', 'pending'],
  ['hold', 'pending'],
  ['solved', 'closed'],
  ['closed', 'closed'],
]);

function fromTicket(ticket: JsonObject, options: PresetOptions): PresetTicket {
  const id = requiredId(ticket.id, 'id', 'Zendesk ticket');
  const requester = personOf(ticket.requester);
  const requesterId = asText(ticket.requester_id) ?? asText(asObject(ticket.requester)?.id);
  const people = options.people.withEmbedded([ticket.requester, ticket.submitter, ticket.assignee]);
  const ticketChannel = asText(asObject(ticket.via)?.channel);
  const defaults: CommentDefaults = { people, channel: ticketChannel, requester: requesterId, author: undefined, createdAt: undefined };
  const messages: PresetMessage[] = [];
  for (const value of listAt(ticket, ['comments'], `Zendesk ticket ${id}`)) {
    const comment = asObject(value);
    if (comment !== undefined) messages.push(commentMessage(comment, defaults));
  }
  const subject = asText(ticket.subject) ?? asText(ticket.raw_subject);
  const tags = textList(ticket.tags);
  const ticketStatus = ticketStatusOf(ticket.status, STATUSES);
  const customerName = requester.name ?? people.find(requesterId)?.name;
  const facts: WritableTicketFacts = { ticket: id };
  if (requester.email !== undefined) facts.customerEmail = requester.email;
  if (subject !== undefined) facts.subject = subject;
  if (tags.length > 0) facts.tags = tags;
  if (ticketStatus !== undefined) facts.ticketStatus = ticketStatus;
  if (customerName !== undefined) facts.customerName = customerName;
  return { facts, messages: messages.length > 0 ? messages : descriptionMessage(ticket, people, ticketChannel) };
}

/** A ticket without comments still has its first message in `description`: the requester's. */
function descriptionMessage(ticket: JsonObject, people: People, channel: string | undefined): PresetMessage[] {
  const body = messageBody([], [ticket.description]);
  if (body.text === '') return [];
  // A users-file row without name or email names no one: the embedded requester does.
  const listed = people.find(ticket.requester_id);
  const author = displayName(listed) === undefined ? personOf(ticket.requester) : listed;
  return [message('description', asTimestamp(ticket.created_at), body, author, 'public', 'customer', channel, [])];
}

function fromAudit(audit: JsonObject, options: PresetOptions): PresetTicket {
  const ticket = requiredId(audit.ticket_id, 'ticket_id', 'Zendesk audit');
  const channel = asText(asObject(audit.via)?.channel);
  const messages = asArray(audit.events)
    .map(asObject)
    .filter((event) => event !== undefined && event.type === 'Comment')
    .map((event) => commentMessage(event as JsonObject, { people: options.people, channel, requester: undefined, author: audit.author_id, createdAt: audit.created_at }));
  return { facts: { ticket }, messages };
}

function fromTicketEvent(event: JsonObject, options: PresetOptions): PresetTicket {
  const ticket = requiredId(event.ticket_id, 'ticket_id', 'Zendesk ticket event');
  const channel = asText(asObject(event.via)?.channel);
  const messages = asArray(event.child_events)
    .map(asObject)
    .filter((child) => child !== undefined && child.event_type === 'Comment')
    .map((child) => commentMessage(child as JsonObject, { people: options.people, channel, requester: undefined, author: event.updater_id, createdAt: event.timestamp }));
  return { facts: { ticket }, messages };
}

interface CommentDefaults {
  readonly people: People;
  readonly channel: string | undefined;
  /** The requester's id; audits and ticket events do not carry it. */
  readonly requester: string | undefined;
  /** Audits and ticket events carry the author and time on the container, not always on the comment. */
  readonly author: unknown;
  readonly createdAt: unknown;
}

function commentMessage(comment: JsonObject, defaults: CommentDefaults): PresetMessage {
  const authorId = asText(comment.author_id ?? defaults.author);
  const visibility = comment.public === false ? 'private' : 'public';
  return message(
    asText(comment.id) ?? '',
    asTimestamp(comment.created_at) ?? asTimestamp(defaults.createdAt),
    // `plain_body` re-flows whitespace; `body` is the text as written.
    messageBody([comment.html_body], [comment.body, comment.plain_body]),
    defaults.people.find(authorId),
    visibility,
    commentKind(visibility, authorId, defaults.requester),
    asText(asObject(comment.via)?.channel) ?? defaults.channel,
    normaliseAttachments(comment.attachments),
  );
}

/**
 * DESIGN §8, "author vs requester and public":
 * - private → `note`, whoever wrote it (the requester too): Zendesk kept it from the customer,
 *   and only a note stays internal in Help Scout;
 * - public by the requester → `customer`, even when the requester is an agent (a ticket an agent
 *   opened for themself): the requester is the ticket's customer side;
 * - public by anyone else → `reply`;
 * - public in an audit or ticket event, which name no requester → unknown (the mapper makes it a
 *   note): guessing `reply` would turn the customer's own words into an agent's.
 */
function commentKind(visibility: 'public' | 'private', authorId: string | undefined, requester: string | undefined): MessageKind | undefined {
  if (visibility === 'private') return 'note';
  if (requester === undefined) return undefined;
  return authorId === requester ? 'customer' : 'reply';
}

/** One shape for every message, optional fields only when known (not spread in: this runs once per note). */
function message(
  id: string,
  createdAt: PresetMessage['createdAt'],
  body: Pick<PresetMessage, 'text' | 'html'>,
  author: Person | undefined,
  visibility: 'public' | 'private',
  kind: MessageKind | undefined,
  channel: string | undefined,
  attachments: PresetMessage['attachments'],
): PresetMessage {
  const out: WritablePresetMessage = { id, createdAt, text: body.text, html: body.html, visibility, attachments };
  const name = displayName(author);
  if (name !== undefined) out.author = name;
  if (author?.email !== undefined) out.authorEmail = author.email;
  if (kind !== undefined) out.kind = kind;
  if (channel !== undefined) out.channel = channel;
  return out;
}
