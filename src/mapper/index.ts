import { ConfigError } from '../core/errors.ts';
import type { Reject, RejectReason } from '../core/reject.ts';
import { parseAttachmentList } from '../readers/attachment-list.ts';
import { fieldsOf, type SourceAttachment, type SourceNote } from '../readers/source-note.ts';
import { resolveAttachments } from './attachments.ts';
import { resolveRemote, type RemoteOptions } from './remote-attachments.ts';
import { formatHelpScoutDate } from './date.ts';
import { AuthorAddresses, emailAddress, KINDS, lowerCase, oneOf, positiveId, STATUSES } from './fields.ts';
import type { MessageKind, NoteDraft, TicketStatus } from './note-draft.ts';
import { noteKey } from './note-key.ts';
import { buildNoteText } from './note-text.ts';
import { TagReader } from './tags.ts';
import { isKnownTimeZone } from './time-zone.ts';

export { formatHelpScoutDate, type DateResult } from './date.ts';
export { noteKey } from './note-key.ts';

export interface MapperOptions {
  /** The present, epoch ms, injected so the mapper stays pure: later dates are `future_date`. */
  readonly now: number;
  /** IANA zone for zone-less timestamps; UTC when absent. */
  readonly timezone?: string;
  /** Prefix each note with author, original ticket and visibility. */
  readonly attribution: boolean;
  readonly maxAttachmentBytes: number;
  /** Real path (fs.realpathSync) of the export file's folder; see `exportDirOf` in src/readers. */
  readonly exportDir: string;
  /**
   * The keys of the notes accepted so far, when the caller keeps them (pass 1's note table):
   * the mapper then keeps no copy of its own. The caller must record every draft it is given.
   */
  readonly accepted?: { has(key: string): boolean };
  /** DESIGN §9: linked files come from the attachment store; absent, links are listed in the note. */
  readonly remote?: RemoteOptions & { readonly missingAttachment: 'note' | 'reject' };
}

export type Mapper = (note: SourceNote) => NoteDraft | Reject;

/**
 * SourceNote → NoteDraft or Reject. Pure but for two pieces of memory: the `(ticket, id)` keys
 * already accepted (a repeat is `duplicate_note`; `options.accepted` when the caller keeps
 * them) and the source-order counter `seq` (0, 1, 2… over accepted drafts, so it can index a
 * table of them).
 * Only valid notes claim their key: when the first copy is rejected, a later good copy lands.
 */
export function createMapper(options: MapperOptions): Mapper {
  const { timezone } = options;
  if (timezone !== undefined && !isKnownTimeZone(timezone)) {
    throw new ConfigError([`source.timezone: unknown time zone ${JSON.stringify(timezone)} (use an IANA name such as Europe/Paris)`]);
  }
  const own = new Set<string>();
  const accepted = options.accepted ?? own;
  const nowSeconds = Math.floor(options.now / 1000);
  let seq = 0;
  const limits = { exportDir: options.exportDir, maxBytes: options.maxAttachmentBytes, fetchLinks: options.remote !== undefined };
  const { remote } = options;
  const tagReader = new TagReader();
  const authors = new AuthorAddresses();

  return (note) => {
    const ticket = note.ticket.trim();
    if (ticket === '') return rejectOf(note, 'missing_field', 'ticket', 'ticket is empty');
    const id = note.id.trim();
    if (id === '') return rejectOf(note, 'missing_field', 'id', 'id is empty');

    if (note.createdAt === undefined || (typeof note.createdAt === 'string' && note.createdAt.trim() === '')) {
      return rejectOf(note, 'missing_field', 'createdAt', 'createdAt is empty');
    }
    const date = formatHelpScoutDate(note.createdAt, timezone);
    if (!date.ok) return rejectOf(note, date.reason, 'createdAt', date.message);
    if (date.epoch > nowSeconds) return rejectOf(note, 'future_date', 'createdAt', `${date.createdAt} is in the future`);

    let conversation: number | undefined;
    if (present(note.conversation)) {
      const checked = positiveId(note.conversation);
      if (typeof checked !== 'number') return rejectOf(note, 'invalid_field', 'conversation', `conversation ${checked.problem}`);
      conversation = checked;
    }
    let user: number | undefined;
    if (present(note.user)) {
      const checked = positiveId(note.user);
      if (typeof checked !== 'number') return rejectOf(note, 'invalid_field', 'user', `user ${checked.problem}`);
      user = checked;
    }
    let customerEmail: string | undefined;
    if (present(note.customerEmail)) {
      const checked = emailAddress(note.customerEmail);
      if (typeof checked !== 'string') return rejectOf(note, 'invalid_field', 'customerEmail', `customerEmail: ${checked.problem}`);
      customerEmail = checked;
    }
    let status: string | undefined;
    if (present(note.status)) {
      const checked = oneOf(note.status, STATUSES, 'status');
      if (typeof checked !== 'string') return rejectOf(note, 'invalid_field', 'status', checked.problem);
      status = checked;
    }
    let kind: MessageKind = 'note';
    if (present(note.kind)) {
      const checked = oneOf(note.kind, KINDS, 'kind');
      if (typeof checked !== 'string') return rejectOf(note, 'invalid_kind', 'kind', checked.problem);
      kind = checked;
    }
    let ticketStatus: TicketStatus | undefined;
    if (present(note.ticketStatus)) {
      const checked = oneOf(note.ticketStatus, STATUSES, 'ticketStatus');
      if (typeof checked !== 'string') return rejectOf(note, 'invalid_ticket_status', 'ticketStatus', checked.problem);
      ticketStatus = checked;
    }
    const tags = tagReader.read(note.tags);
    if ('problem' in tags) return rejectOf(note, 'invalid_field', 'tags', tags.problem);

    let list: readonly SourceAttachment[] = [];
    if (typeof note.attachments === 'string') {
      const parsed = parseAttachmentList(note.attachments);
      if (!parsed.ok) return rejectOf(note, 'invalid_field', 'attachments', parsed.message);
      list = parsed.attachments;
    } else if (note.attachments !== undefined) {
      list = note.attachments;
    }
    const attachments = list.length === 0 ? EMPTY : resolveAttachments(list, limits);
    if (!attachments.ok) return rejectOf(note, attachments.reason, 'attachments', attachments.message);
    const fetched = remote === undefined ? undefined : resolveRemote(list, note.text, note.html, remote, limits.maxBytes);
    const missing = fetched?.missing ?? [];
    const firstMissing = missing[0];
    if (firstMissing !== undefined && remote?.missingAttachment === 'reject') {
      return rejectOf(note, firstMissing.reason, 'attachments', `${firstMissing.name}: ${firstMissing.message}`);
    }
    const files = fetched === undefined || fetched.files.length === 0 ? attachments.files : [...attachments.files, ...fetched.files];

    const text = buildNoteText({
      text: fetched?.text ?? note.text,
      html: note.html,
      attribution: options.attribution ? { ticket, author: note.author, visibility: note.visibility, channel: note.channel } : undefined,
      links: attachments.links,
      fileCount: files.length,
      missing,
    });
    if (text === undefined) return rejectOf(note, 'empty_text', 'text', 'the note has no text and no attachments');

    const key = noteKey(ticket, id);
    if (accepted.has(key)) return rejectOf(note, 'duplicate_note', 'id', `note ${id} of ticket ${ticket} was already read earlier in the export`);
    if (accepted === own) own.add(key);

    // Optional fields are assigned, not spread in: a spread inside a literal costs a microsecond
    // per note, the largest single cost of mapping a million notes.
    const draft: Writable<NoteDraft> = {
      key,
      ticket,
      id,
      createdAt: date.createdAt,
      epoch: date.epoch,
      seq: seq++,
      text,
      // Most messages are the customer's: their address passed emailAddress's check a line ago.
      authorEmail: note.authorEmail === undefined ? undefined : note.authorEmail === note.customerEmail && customerEmail !== undefined ? lowerCase(customerEmail) : authors.of(note.authorEmail),
      kind,
      tags,
      ticketStatus,
      customerName: present(note.customerName) ? note.customerName.trim() : undefined,
      attachments: files,
      origin: note.origin,
      fields: note.fields,
    };
    if (conversation !== undefined) draft.conversation = conversation;
    if (user !== undefined) draft.user = user;
    if (customerEmail !== undefined) draft.customerEmail = customerEmail;
    if (present(note.subject)) draft.subject = note.subject.trim();
    if (status !== undefined) draft.status = status;
    return draft;
  };
}

const EMPTY = { ok: true, files: [], links: [] } as const;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function rejectOf(note: SourceNote, reason: RejectReason, field: string | undefined, message: string): Reject {
  return {
    reason,
    message,
    origin: note.origin,
    ...(field === undefined ? {} : { field }),
    ...(note.ticket === '' ? {} : { ticket: note.ticket }),
    ...(note.id === '' ? {} : { id: note.id }),
    fields: fieldsOf(note.fields),
  };
}

/** Not absent and not only white space. A value that starts with printable ASCII is present: no trim per field and row. */
function present(value: string | undefined): value is string {
  if (value === undefined) return false;
  const first = value.charCodeAt(0);
  return (first > 0x20 && first < 0x7f) || value.trim() !== '';
}
