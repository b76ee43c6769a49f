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
  type WritablePresetMessage,
  type WritableTicketFacts,
} from './preset.ts';

/**
 * Intercom conversations as `GET /conversations/{id}` returns them (one a line, an array, or the
 * list's `{"conversations": [...]}`). The first message is `source` (legacy 1.x:
 * `conversation_message`), note id `source`, dated by the conversation's `created_at`; the rest
 * are `conversation_parts.conversation_parts[]` (tickets: `ticket_parts.ticket_parts[]`), dated
 * in epoch seconds. `part_type: note` is private. A part without body whose type is not a
 * message (assignment, close, snoozed, attribute updates…) is an event: one short system line,
 * or nothing with `systemEvents: "skip"`.
 * API 2.x names the customer by id only (`contacts.contacts[{id, external_id}]`, authors often
 * without an email); `source.users` (the contacts `hs-import export` side-loads) names them.
 */
export const intercom: Preset = {
  wrapperKeys: ['conversations'],
  ticketOf(record, options) {
    const ticket = requiredId(record.id, 'id', 'Intercom conversation');
    const first = asObject(record.source) ?? asObject(record.conversation_message);
    const parts = partsOf(record, `Intercom conversation ${ticket}`)
      .map(asObject)
      .filter((part) => part !== undefined);
    const messages: PresetMessage[] = [];
    if (first !== undefined) messages.push(sourceMessage(first, record.created_at, options.people));
    for (const part of parts) {
      const message = partMessage(part, options);
      if (message !== undefined) messages.push(message);
    }
    const customer = customerOf([first, ...parts], record, options.people);
    const subject = asText(stripTags(asText(first?.subject) ?? '')) ?? asText(record.title);
    const tags = textList(asArray(asObject(record.tags)?.tags).map((tag) => asObject(tag)?.name));
    const ticketStatus = ticketStatusOf(record.state, STATES);
    const facts: WritableTicketFacts = { ticket };
    if (customer.email !== undefined) facts.customerEmail = customer.email;
    if (subject !== undefined) facts.subject = subject;
    if (tags.length > 0) facts.tags = tags;
    if (ticketStatus !== undefined) facts.ticketStatus = ticketStatus;
    if (customer.name !== undefined) facts.customerName = customer.name;
    return { facts, messages };
  },
};

/** Intercom's conversation `state` in Help Scout's words. */
const STATES: ReadonlyMap<string, TicketStatus> = new Map([
  ['open', 'active'],
  ['snoozed', 'pending'],
  ['closed', 'closed'],
]);

/** Conversations list their parts in `conversation_parts`, tickets in `ticket_parts`. */
function partsOf(record: JsonObject, what: string): readonly unknown[] {
  const parts = listAt(record, ['conversation_parts', 'conversation_parts'], what);
  return parts.length > 0 ? parts : listAt(record, ['ticket_parts', 'ticket_parts'], what);
}

/** Parts that are messages even when their body is empty (then they only carry attachments). */
const MESSAGE_PARTS = new Set(['comment', 'note', 'quick_reply']);

/** Author types of the customer's side; the rest (admin, bot, operator, team) are the support team's. */
const CUSTOMER_TYPES = new Set(['user', 'lead', 'contact']);
const TEAM_TYPES = new Set(['admin', 'bot', 'operator', 'team']);

function sourceMessage(source: JsonObject, createdAt: unknown, people: People): PresetMessage {
  const author = authorOf(source.author, people);
  const body = messageBody([source.body], []);
  // The first message is a message, never a note part: its author's side alone decides.
  return message('source', asTimestamp(source.created_at) ?? asTimestamp(createdAt), body, author, 'public', messageKind(author.type, 'comment'), normaliseAttachments(source.attachments));
}

function partMessage(part: JsonObject, options: PresetOptions): PresetMessage | undefined {
  const type = asText(part.part_type) ?? 'comment';
  const body = messageBody([part.body], []);
  const attachments = normaliseAttachments(part.attachments);
  const author = authorOf(part.author, options.people);
  const id = asText(part.id) ?? '';
  const createdAt = asTimestamp(part.created_at);
  if (body.text !== '' || attachments.length > 0 || MESSAGE_PARTS.has(type)) {
    return message(id, createdAt, body, author, isNote(type) ? 'private' : 'public', messageKind(author.type, type), attachments);
  }
  if (options.systemEvents === 'skip') return undefined;
  // An event is no one's message: a note, whoever triggered it.
  return message(id, createdAt, { text: eventLine(type, author.label), html: false }, author, 'system', 'note', []);
}

function isNote(partType: string): boolean {
  return partType.startsWith('note');
}

/**
 * The author's side decides (DESIGN §8, "author type, note parts"): `note` parts stay notes (the
 * team's private remarks, never shown to the customer); users, leads and contacts → `customer`;
 * admins, bots, operators and teams → `reply`. No author, or a type we do not know → unknown
 * (the mapper makes it a note): guessing a side would put words in someone's mouth.
 */
function messageKind(authorType: string | undefined, partType: string): MessageKind | undefined {
  if (isNote(partType)) return 'note';
  if (authorType === undefined) return undefined;
  if (CUSTOMER_TYPES.has(authorType)) return 'customer';
  return TEAM_TYPES.has(authorType) ? 'reply' : undefined;
}

/** One shape for every message, optional fields only when known (assigned, not spread in: this runs once per note). */
function message(
  id: string,
  createdAt: PresetMessage['createdAt'],
  body: Pick<PresetMessage, 'text' | 'html'>,
  author: Author,
  visibility: NonNullable<PresetMessage['visibility']>,
  kind: MessageKind | undefined,
  attachments: PresetMessage['attachments'],
): PresetMessage {
  const out: WritablePresetMessage = { id, createdAt, text: body.text, html: body.html, visibility, attachments };
  if (author.label !== undefined) out.author = author.label;
  // A lead without an address simply has none: not an error.
  if (author.email !== undefined) out.authorEmail = author.email;
  if (kind !== undefined) out.kind = kind;
  return out;
}

const EVENT_WORDS: Readonly<Record<string, string>> = {
  open: 'Conversation reopened',
  close: 'Conversation closed',
  snoozed: 'Conversation snoozed',
  unsnoozed: 'Conversation unsnoozed',
  timer_unsnooze: 'Conversation unsnoozed',
  assignment: 'Conversation assigned',
  default_assignment: 'Conversation assigned',
  away_mode_assignment: 'Conversation assigned (away mode)',
  assign_and_reopen: 'Conversation reopened and assigned',
  assign_and_unsnooze: 'Conversation unsnoozed and assigned',
  participant_added: 'Participant added',
  participant_removed: 'Participant removed',
  conversation_attribute_updated_by_admin: 'Conversation attribute updated',
  ticket_state_updated_by_admin: 'Ticket state updated',
  ticket_attribute_updated_by_admin: 'Ticket attribute updated',
};

/** "Conversation closed by Ann"; an unknown part type still reads as words ("Sla applied"). */
export function eventLine(partType: string, author: string | undefined): string {
  const words = EVENT_WORDS[partType] ?? capitalise(partType.replaceAll('_', ' '));
  return author === undefined ? words : `${words} by ${author}`;
}

const TYPE_LABELS: Readonly<Record<string, string>> = { admin: 'Teammate', user: 'Customer', lead: 'Lead', contact: 'Customer', bot: 'Bot', team: 'Team' };

interface Author {
  /** Name, else email, else what the author is: users and leads often have neither. */
  readonly label: string | undefined;
  readonly email: string | undefined;
  readonly type: string | undefined;
}

function authorOf(value: unknown, people: People): Author {
  const type = asText(asObject(value)?.type);
  const person = customerSide(value, type, people);
  const label = displayName(person) ?? (type === undefined ? undefined : (TYPE_LABELS[type] ?? capitalise(type)));
  return { label, email: person.email, type };
}

/**
 * A customer-side person as embedded, completed from the contacts file by id (2.x authors and
 * contacts often carry the id alone). Admin and contact ids are different spaces: a team author
 * is never looked up.
 */
function customerSide(value: unknown, type: string | undefined, people: People): Person {
  const embedded = personOf(value);
  if (type !== undefined && !CUSTOMER_TYPES.has(type)) return embedded;
  if (embedded.name !== undefined && embedded.email !== undefined) return embedded;
  const listed = people.find(asObject(value)?.id);
  if (listed === undefined) return embedded;
  return { ...listed, ...embedded };
}

/**
 * The customer: the conversation's contacts (2.x), then the first customer-side author with a
 * name and the first with an address (admins and bots are not the customer), then the legacy
 * 1.x `user` at the top.
 */
function customerOf(messages: readonly (JsonObject | undefined)[], record: JsonObject, people: People): { readonly name: string | undefined; readonly email: string | undefined } {
  const candidates = asArray(asObject(record.contacts)?.contacts).map((contact) => customerSide(contact, undefined, people));
  for (const message of messages) {
    const author = asObject(message?.author);
    const type = asText(author?.type);
    if (type !== undefined && CUSTOMER_TYPES.has(type)) candidates.push(customerSide(author, type, people));
  }
  candidates.push(customerSide(record.user, undefined, people));
  let name: string | undefined;
  let email: string | undefined;
  for (const person of candidates) {
    name ??= person.name;
    email ??= person.email;
  }
  return { name, email };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}
