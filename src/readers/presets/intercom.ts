import { normaliseAttachments } from '../attachment-normalise.ts';
import { asObject, asText, asTimestamp, type JsonObject } from './json-value.ts';
import { displayName, personOf } from './people.ts';
import { listAt, messageBody, requiredId, type Preset, type PresetMessage, type PresetOptions } from './preset.ts';

/**
 * Intercom conversations as `GET /conversations/{id}` returns them (one a line, an array, or the
 * list's `{"conversations": [...]}`). The first message is `source` (legacy 1.x:
 * `conversation_message`), note id `source`, dated by the conversation's `created_at`; the rest
 * are `conversation_parts.conversation_parts[]` (tickets: `ticket_parts.ticket_parts[]`), dated
 * in epoch seconds. `part_type: note` is private. A part without body whose type is not a
 * message (assignment, close, snoozed, attribute updates…) is an event: one short system line,
 * or nothing with `systemEvents: "skip"`.
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
    if (first !== undefined) messages.push(sourceMessage(first, record.created_at));
    for (const part of parts) {
      const message = partMessage(part, options);
      if (message !== undefined) messages.push(message);
    }
    const customerEmail = customerEmailOf([first, ...parts], record);
    const subject = asText(stripTags(asText(first?.subject) ?? '')) ?? asText(record.title);
    return {
      facts: {
        ticket,
        ...(customerEmail === undefined ? {} : { customerEmail }),
        ...(subject === undefined ? {} : { subject }),
      },
      messages,
    };
  },
};

/** Conversations list their parts in `conversation_parts`, tickets in `ticket_parts`. */
function partsOf(record: JsonObject, what: string): readonly unknown[] {
  const parts = listAt(record, ['conversation_parts', 'conversation_parts'], what);
  return parts.length > 0 ? parts : listAt(record, ['ticket_parts', 'ticket_parts'], what);
}

/** Parts that are messages even when their body is empty (then they only carry attachments). */
const MESSAGE_PARTS = new Set(['comment', 'note', 'quick_reply']);

function sourceMessage(source: JsonObject, createdAt: unknown): PresetMessage {
  const author = authorName(source.author);
  return {
    id: 'source',
    createdAt: asTimestamp(source.created_at) ?? asTimestamp(createdAt),
    ...messageBody([source.body], []),
    ...(author === undefined ? {} : { author }),
    visibility: 'public',
    attachments: normaliseAttachments(source.attachments),
  };
}

function partMessage(part: JsonObject, options: PresetOptions): PresetMessage | undefined {
  const type = asText(part.part_type) ?? 'comment';
  const body = messageBody([part.body], []);
  const attachments = normaliseAttachments(part.attachments);
  const author = authorName(part.author);
  const common = { id: asText(part.id) ?? '', createdAt: asTimestamp(part.created_at), ...(author === undefined ? {} : { author }) };
  if (body.text !== '' || attachments.length > 0 || MESSAGE_PARTS.has(type)) {
    return { ...common, ...body, visibility: type.startsWith('note') ? 'private' : 'public', attachments };
  }
  if (options.systemEvents === 'skip') return undefined;
  return { ...common, text: eventLine(type, author), html: false, visibility: 'system', attachments: [] };
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

/** Name, else email, else what the author is: users and leads often have neither. */
function authorName(value: unknown): string | undefined {
  const type = asText(asObject(value)?.type);
  return displayName(personOf(value)) ?? (type === undefined ? undefined : (TYPE_LABELS[type] ?? capitalise(type)));
}

/** The first customer-side author with an address (admins and bots are not the customer). */
function customerEmailOf(messages: readonly (JsonObject | undefined)[], record: JsonObject): string | undefined {
  for (const message of messages) {
    const author = asObject(message?.author);
    const type = asText(author?.type);
    if (type === 'user' || type === 'lead' || type === 'contact') {
      const email = asText(author?.email);
      if (email !== undefined) return email;
    }
  }
  return asText(asObject(record.user)?.email);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}
