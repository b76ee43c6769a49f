import { InputError } from '../../core/errors.ts';
import { isBlankHtml } from '../../mapper/html.ts';
import type { MessageKind, TicketStatus } from '../../mapper/note-draft.ts';
import { jsonKind } from '../json-shape.ts';
import type { SourceAttachment, SourceNote } from '../source-note.ts';
import { asObject, asText, type JsonObject } from './json-value.ts';
import type { People } from './people.ts';

/** Ticket-level facts shared by all of a ticket's notes. */
export interface TicketFacts {
  readonly ticket: string;
  readonly customerEmail?: string;
  readonly subject?: string;
  /** One array for all of the ticket's notes (the mapper normalises it once). */
  readonly tags?: readonly string[];
  readonly ticketStatus?: TicketStatus;
  readonly customerName?: string;
}

/** TicketFacts under construction: optional fields assigned one by one. */
export type WritableTicketFacts = { -readonly [K in keyof TicketFacts]: TicketFacts[K] };

/** One message of a ticket as a preset reads it; the preset reader adds ticket facts and origin. */
export type PresetMessage = Pick<SourceNote, 'id' | 'createdAt' | 'text' | 'html' | 'author' | 'authorEmail' | 'visibility' | 'channel'> & {
  /** Absent when the export cannot tell (the mapper then makes it a note). */
  readonly kind?: MessageKind;
  readonly attachments: readonly SourceAttachment[];
};

/** A PresetMessage under construction: optional fields assigned one by one (cheaper per message than spreads). */
export type WritablePresetMessage = { -readonly [K in keyof PresetMessage]: PresetMessage[K] };

export interface PresetTicket {
  readonly facts: TicketFacts;
  readonly messages: readonly PresetMessage[];
}

export interface PresetOptions {
  readonly people: People;
  readonly systemEvents: 'line' | 'skip';
}

/** A platform's export layout: which wrapper keys hold its records and how a record becomes messages. */
export interface Preset {
  readonly wrapperKeys: readonly string[];
  /** Throws InputError when the record is not a ticket of this platform. */
  ticketOf(record: JsonObject, options: PresetOptions): PresetTicket;
}

/** HTML when there is some (exports keep an empty `html_body: ""` next to a real `body`), else plain text. */
export function messageBody(htmlCandidates: readonly unknown[], textCandidates: readonly unknown[]): Pick<PresetMessage, 'text' | 'html'> {
  for (const value of htmlCandidates) {
    if (typeof value === 'string' && !isBlankHtml(value)) return { text: value, html: true };
  }
  for (const value of textCandidates) {
    if (typeof value === 'string' && value.trim() !== '') return { text: value, html: false };
  }
  return { text: '', html: false };
}

/**
 * A platform's ticket status in Help Scout's words, by `table` (keys lower-case). A status the
 * table does not know (Zendesk `deleted`, a Freshdesk custom status) leaves it empty: it only
 * picks the status of a conversation the import creates (`closed` when empty, DESIGN §8), which
 * is no reason to refuse a ticket's history.
 */
export function ticketStatusOf(value: unknown, table: ReadonlyMap<string, TicketStatus>): TicketStatus | undefined {
  const status = asText(value);
  return status === undefined ? undefined : table.get(status.toLowerCase());
}

/** The record's own id: without it nothing can be keyed, so the record is one reject. */
export function requiredId(value: unknown, field: string, what: string): string {
  const id = asText(value);
  if (id === undefined) throw new InputError('invalid_record', `${what} without "${field}"`, field);
  return id;
}

/**
 * The record's list of messages at `path` (`comments`, `conversation_parts.conversation_parts`):
 * absent or null is none. Anything else that is not a list makes the record one reject naming
 * the field and `what` (the ticket): read as an empty list, the ticket vanished with no note
 * and no reject.
 */
export function listAt(record: JsonObject, path: readonly string[], what: string): readonly unknown[] {
  let value: unknown = record;
  for (const [i, segment] of path.entries()) {
    const parent = asObject(value);
    if (parent === undefined) throw notA('an object', value, path.slice(0, i).join('.'), what);
    value = parent[segment];
    if (value === undefined || value === null) return [];
  }
  if (!Array.isArray(value)) throw notA('an array', value, path.join('.'), what);
  return value;
}

function notA(expected: string, value: unknown, field: string, what: string): InputError {
  return new InputError('invalid_record', `${what}: "${field}" is ${jsonKind(value)}, expected ${expected}`, field);
}
