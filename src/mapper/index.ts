import { ConfigError } from '../core/errors.ts';
import type { Reject, RejectReason } from '../core/reject.ts';
import { parseAttachmentList } from '../readers/attachment-list.ts';
import type { SourceAttachment, SourceNote } from '../readers/source-note.ts';
import { resolveAttachments } from './attachments.ts';
import { formatHelpScoutDate } from './date.ts';
import { emailAddress, noteStatus, positiveId } from './fields.ts';
import type { NoteDraft } from './note-draft.ts';
import { noteKey } from './note-key.ts';
import { buildNoteText } from './note-text.ts';
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
}

export type Mapper = (note: SourceNote) => NoteDraft | Reject;

/**
 * SourceNote → NoteDraft or Reject. Pure but for two pieces of memory: the `(ticket, id)` keys
 * already accepted (a repeat is `duplicate_note`) and the source-order counter `seq`
 * (0, 1, 2… over accepted drafts, so it can index a table of them).
 * Only valid notes claim their key: when the first copy is rejected, a later good copy lands.
 */
export function createMapper(options: MapperOptions): Mapper {
  const { timezone } = options;
  if (timezone !== undefined && !isKnownTimeZone(timezone)) {
    throw new ConfigError([`source.timezone: unknown time zone ${JSON.stringify(timezone)} (use an IANA name such as Europe/Paris)`]);
  }
  const seen = new Set<string>();
  const nowSeconds = Math.floor(options.now / 1000);
  let seq = 0;
  const limits = { exportDir: options.exportDir, maxBytes: options.maxAttachmentBytes };

  return (note) => {
    const reject = (reason: RejectReason, field: string | undefined, message: string): Reject => ({
      reason,
      message,
      origin: note.origin,
      ...(field === undefined ? {} : { field }),
      ...(note.ticket === '' ? {} : { ticket: note.ticket }),
      ...(note.id === '' ? {} : { id: note.id }),
      fields: note.fields,
    });

    const ticket = note.ticket.trim();
    if (ticket === '') return reject('missing_field', 'ticket', 'ticket is empty');
    const id = note.id.trim();
    if (id === '') return reject('missing_field', 'id', 'id is empty');

    if (note.createdAt === undefined || (typeof note.createdAt === 'string' && note.createdAt.trim() === '')) {
      return reject('missing_field', 'createdAt', 'createdAt is empty');
    }
    const date = formatHelpScoutDate(note.createdAt, timezone);
    if (!date.ok) return reject(date.reason, 'createdAt', date.message);
    if (date.epoch > nowSeconds) return reject('future_date', 'createdAt', `${date.createdAt} is in the future`);

    const optional: { conversation?: number; user?: number; customerEmail?: string; subject?: string; status?: string } = {};
    if (present(note.conversation)) {
      const conversation = positiveId(note.conversation);
      if (typeof conversation !== 'number') return reject('invalid_field', 'conversation', `conversation ${conversation.problem}`);
      optional.conversation = conversation;
    }
    if (present(note.user)) {
      const user = positiveId(note.user);
      if (typeof user !== 'number') return reject('invalid_field', 'user', `user ${user.problem}`);
      optional.user = user;
    }
    if (present(note.customerEmail)) {
      const email = emailAddress(note.customerEmail);
      if (typeof email !== 'string') return reject('invalid_field', 'customerEmail', `customerEmail: ${email.problem}`);
      optional.customerEmail = email;
    }
    if (present(note.status)) {
      const status = noteStatus(note.status);
      if (typeof status !== 'string') return reject('invalid_field', 'status', status.problem);
      optional.status = status;
    }
    if (present(note.subject)) optional.subject = note.subject.trim();

    let list: readonly SourceAttachment[] = [];
    if (typeof note.attachments === 'string') {
      const parsed = parseAttachmentList(note.attachments);
      if (!parsed.ok) return reject('invalid_field', 'attachments', parsed.message);
      list = parsed.attachments;
    } else if (note.attachments !== undefined) {
      list = note.attachments;
    }
    const attachments = list.length === 0 ? EMPTY : resolveAttachments(list, limits);
    if (!attachments.ok) return reject(attachments.reason, 'attachments', attachments.message);

    const text = buildNoteText({
      text: note.text,
      html: note.html,
      attribution: options.attribution ? { ticket, author: note.author, visibility: note.visibility, channel: note.channel } : undefined,
      links: attachments.links,
      fileCount: attachments.files.length,
    });
    if (text === undefined) return reject('empty_text', 'text', 'the note has no text and no attachments');

    const key = noteKey(ticket, id);
    if (seen.has(key)) return reject('duplicate_note', 'id', `note ${id} of ticket ${ticket} was already read earlier in the export`);
    seen.add(key);

    return {
      key,
      ticket,
      id,
      createdAt: date.createdAt,
      epoch: date.epoch,
      seq: seq++,
      text,
      ...optional,
      attachments: attachments.files,
      origin: note.origin,
      fields: note.fields,
    };
  };
}

const EMPTY = { ok: true, files: [], links: [] } as const;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
