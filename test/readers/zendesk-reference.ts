import { readFileSync } from 'node:fs';
import { InputError } from '../../src/core/errors.ts';
import type { Origin } from '../../src/core/reject.ts';
import { isBlankHtml } from '../../src/mapper/html.ts';
import { normaliseAttachments } from '../../src/readers/attachment-normalise.ts';
import { exportDirOf, needsInspection, withInspectedAttachments } from '../../src/readers/inspect-attachments.ts';
import { recordReject, type JsonRecord } from '../../src/readers/json-records.ts';
import type { SourceItem, SourceNote, WritableSourceNote } from '../../src/readers/source-note.ts';

/**
 * The Zendesk NDJSON reader as it was before it was made fast, kept as the oracle the fast one
 * is compared with: the whole file decoded at once, split at LF, each line through JSON.parse,
 * people in a Map copied per ticket, messages and notes built with spreads, and `html_body`
 * judged by isBlankHtml alone. Only what an NDJSON export with a users file and a
 * conversation field needs (no wrapper layouts, no conversation map, no audits).
 */
export async function referenceZendeskItems(path: string, usersCsv: string, conversationField: string): Promise<SourceItem[]> {
  const exportDir = exportDirOf(path);
  const people = new RefPeople(usersOf(usersCsv));
  const lines = readFileSync(path).toString('utf8').replace(/^\uFEFF/, '').split('\n');
  const items: SourceItem[] = [];
  for (const [index, raw] of lines.entries()) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    const record = parse(text, index + 1);
    if (record.kind === 'error' || record.value === null || typeof record.value !== 'object' || Array.isArray(record.value)) {
      items.push({ kind: 'reject', reject: recordReject(record, path) });
      continue;
    }
    const value = record.value as Json;
    const origin = { file: path, line: record.at };
    let ticket: RefTicket;
    try {
      ticket = fromTicket(value, people);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      items.push({ kind: 'reject', reject: { reason: 'invalid_record', message: error.message, origin, ...(error.field === undefined ? {} : { field: error.field }), fields: {} } });
      continue;
    }
    const conversation = text_(fieldAt(value, conversationField));
    for (const message of ticket.messages) {
      const note = sourceNote(ticket.facts, conversation, message, origin);
      items.push({ kind: 'note', note: needsInspection(note) ? await withInspectedAttachments(note, exportDir) : note });
    }
  }
  return items;
}

type Json = Readonly<Record<string, unknown>>;
interface Person {
  readonly name?: string;
  readonly email?: string;
}
type Message = Omit<SourceNote, 'ticket' | 'origin' | 'fields' | 'attachments'> & { readonly attachments: ReturnType<typeof normaliseAttachments> };
interface Facts {
  readonly ticket: string;
  readonly customerEmail?: string;
  readonly subject?: string;
  readonly tags?: readonly string[];
  readonly ticketStatus?: string;
  readonly customerName?: string;
}
interface RefTicket {
  readonly facts: Facts;
  readonly messages: readonly Message[];
}

function parse(text: string, at: number): JsonRecord {
  const raw = text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
  if (text.includes('\uFFFD')) return { kind: 'error', reason: 'invalid_encoding', message: `line ${at} is not valid in the file's encoding; set source.encoding`, at, raw };
  try {
    return { kind: 'value', value: JSON.parse(text) as unknown, at };
  } catch (error) {
    return { kind: 'error', reason: 'invalid_json', message: `line ${at}: ${(error as Error).message}`, at, raw };
  }
}

function usersOf(csv: string): Map<string, Person> {
  const known = new Map<string, Person>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [id, name, email] = line.split(',');
    const key = text_(id);
    if (key !== undefined) known.set(key, personOf({ name, email }));
  }
  return known;
}

class RefPeople {
  constructor(private readonly known: ReadonlyMap<string, Person>) {}
  withEmbedded(embedded: readonly unknown[]): RefPeople {
    const extra = new Map(this.known);
    for (const value of embedded) {
      const person = object(value);
      const id = text_(person?.id);
      if (person === undefined || id === undefined || extra.has(id)) continue;
      extra.set(id, personOf(person));
    }
    return new RefPeople(extra);
  }
  nameOf(id: unknown): string | undefined {
    return displayName(this.personOf(id));
  }
  personOf(id: unknown): Person | undefined {
    const key = text_(id);
    return key === undefined ? undefined : this.known.get(key);
  }
}

function personOf(value: unknown): Person {
  const o = object(value);
  const name = text_(o?.name);
  const email = text_(o?.email);
  return { ...(name === undefined ? {} : { name }), ...(email === undefined ? {} : { email }) };
}

function displayName(person: Person | undefined): string | undefined {
  return person?.name ?? person?.email;
}

function fromTicket(ticket: Json, people: RefPeople): RefTicket {
  const id = text_(ticket.id);
  if (id === undefined) throw new InputError('invalid_record', 'Zendesk ticket without "id"', 'id');
  const requester = personOf(ticket.requester);
  const withEmbedded = people.withEmbedded([ticket.requester, ticket.submitter, ticket.assignee]);
  const channel = text_(object(ticket.via)?.channel);
  // Comments that are there but no list reject the ticket (the random exports only write an object).
  if (ticket.comments !== undefined && ticket.comments !== null && !Array.isArray(ticket.comments)) {
    throw new InputError('invalid_record', `Zendesk ticket ${id}: "comments" is ${typeof ticket.comments === 'object' ? 'an object' : `a ${typeof ticket.comments}`}, expected an array`, 'comments');
  }
  const comments = ((ticket.comments ?? []) as unknown[]).map(object).filter((c) => c !== undefined);
  const requesterId = text_(ticket.requester_id) ?? text_(object(ticket.requester)?.id);
  const messages = comments.length > 0 ? comments.map((comment) => commentMessage(comment, withEmbedded, channel, requesterId)) : descriptionMessage(ticket, withEmbedded, channel);
  const subject = text_(ticket.subject) ?? text_(ticket.raw_subject);
  const tags = Array.isArray(ticket.tags) ? ticket.tags.map(text_).filter((tag) => tag !== undefined) : [];
  const ticketStatus = STATUSES[text_(ticket.status)?.toLowerCase() ?? ''];
  const customerName = requester.name ?? withEmbedded.personOf(requesterId)?.name;
  return {
    facts: {
      ticket: id,
      ...(requester.email === undefined ? {} : { customerEmail: requester.email }),
      ...(subject === undefined ? {} : { subject }),
      ...(tags.length === 0 ? {} : { tags }),
      ...(ticketStatus === undefined ? {} : { ticketStatus }),
      ...(customerName === undefined ? {} : { customerName }),
    },
    messages,
  };
}

const STATUSES: Readonly<Partial<Record<string, string>>> = { new: 'active', open: 'active', pending: 'pending', hold: 'pending', solved: 'closed', closed: 'closed' };

function descriptionMessage(ticket: Json, people: RefPeople, channel: string | undefined): Message[] {
  const body = messageBody([], [ticket.description]);
  if (body.text === '') return [];
  const person = people.nameOf(ticket.requester_id) === undefined ? personOf(ticket.requester) : people.personOf(ticket.requester_id);
  const author = displayName(person);
  return [
    {
      id: 'description',
      createdAt: timestamp(ticket.created_at),
      ...body,
      ...(author === undefined ? {} : { author }),
      ...(person?.email === undefined ? {} : { authorEmail: person.email }),
      kind: 'customer',
      visibility: 'public',
      ...(channel === undefined ? {} : { channel }),
      attachments: [],
    },
  ];
}

function commentMessage(comment: Json, people: RefPeople, ticketChannel: string | undefined, requesterId: string | undefined): Message {
  const author = people.nameOf(comment.author_id);
  const email = people.personOf(comment.author_id)?.email;
  const channel = text_(object(comment.via)?.channel) ?? ticketChannel;
  const kind = comment.public === false ? 'note' : requesterId === undefined ? undefined : text_(comment.author_id) === requesterId ? 'customer' : 'reply';
  return {
    id: text_(comment.id) ?? '',
    createdAt: timestamp(comment.created_at),
    ...messageBody([comment.html_body], [comment.body, comment.plain_body]),
    ...(author === undefined ? {} : { author }),
    ...(email === undefined ? {} : { authorEmail: email }),
    ...(kind === undefined ? {} : { kind }),
    visibility: comment.public === false ? 'private' : 'public',
    ...(channel === undefined ? {} : { channel }),
    attachments: normaliseAttachments(comment.attachments),
  };
}

function messageBody(htmlCandidates: readonly unknown[], textCandidates: readonly unknown[]): { text: string; html: boolean } {
  for (const value of htmlCandidates) {
    if (typeof value === 'string' && !isBlankHtml(value)) return { text: value, html: true };
  }
  for (const value of textCandidates) {
    if (typeof value === 'string' && value.trim() !== '') return { text: value, html: false };
  }
  return { text: '', html: false };
}

function sourceNote(facts: Facts, conversation: string | undefined, message: Message, origin: Origin): SourceNote {
  const note: WritableSourceNote = { ...message, ticket: facts.ticket, origin, fields: {} };
  if (facts.customerEmail !== undefined) note.customerEmail = facts.customerEmail;
  if (facts.subject !== undefined) note.subject = facts.subject;
  if (conversation !== undefined) note.conversation = conversation;
  if (facts.tags !== undefined) note.tags = facts.tags;
  if (facts.ticketStatus !== undefined) note.ticketStatus = facts.ticketStatus;
  if (facts.customerName !== undefined) note.customerName = facts.customerName;
  note.fields = {
    ticket: note.ticket,
    id: note.id,
    createdAt: note.createdAt === undefined ? '' : String(note.createdAt),
    text: note.text,
    conversation: note.conversation ?? '',
    customerEmail: note.customerEmail ?? '',
    subject: note.subject ?? '',
    author: note.author ?? '',
    attachments: message.attachments.length > 0 ? JSON.stringify(message.attachments) : '',
    authorEmail: note.authorEmail ?? '',
    kind: note.kind ?? '',
    tags: facts.tags === undefined ? '' : JSON.stringify(facts.tags),
    ticketStatus: note.ticketStatus ?? '',
    customerName: note.customerName ?? '',
  };
  return note;
}

function fieldAt(record: Json, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      const element = current.map(object).find((item) => item !== undefined && text_(item.id) === segment);
      current = element?.value;
    } else {
      current = object(current)?.[segment];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text_(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function timestamp(value: unknown): string | number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : text_(value);
}
