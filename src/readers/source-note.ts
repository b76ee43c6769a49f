import type { Origin, Reject } from '../core/reject.ts';

/** What the reader learned about a local attachment file (readers may touch the disk; the mapper may not). */
export type AttachmentInspection =
  | { readonly kind: 'file'; readonly realPath: string; readonly size: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-file' };

export interface SourceAttachment {
  readonly fileName?: string;
  readonly mimeType?: string;
  /** Path as written in the export, relative to the export file's folder. */
  readonly path?: string;
  /** Inline base64 content. */
  readonly data?: string;
  /** Remote URL (not downloaded: listed as a link in the note). */
  readonly url?: string;
  readonly size?: number;
  /** Filled by the reader for `path` attachments. */
  readonly inspection?: AttachmentInspection;
}

/**
 * One message of a source ticket, in canonical fields (DESIGN §3), as raw as the export had
 * it: the mapper validates and normalises.
 */
export interface SourceNote {
  readonly ticket: string;
  readonly id: string;
  /** ISO string, epoch seconds/millis (number or numeric string), or zone-less local time. */
  readonly createdAt: string | number | undefined;
  readonly text: string;
  /** true when `text` is HTML; plain text is escaped by the mapper. */
  readonly html: boolean;
  readonly conversation?: string | undefined;
  readonly customerEmail?: string | undefined;
  readonly subject?: string | undefined;
  readonly author?: string | undefined;
  readonly user?: string | undefined;
  readonly status?: string | undefined;
  /** The author's address as the export had it; the mapper lower-cases it and drops what is no address. */
  readonly authorEmail?: string | undefined;
  /** `customer`, `reply` or `note` (DESIGN §8) as written: empty is `note`, anything else a reject. */
  readonly kind?: string | undefined;
  /** The ticket's tags: an array from presets; csv/jsonl give a JSON array or `;`-separated text. */
  readonly tags?: readonly string[] | string | undefined;
  /** `active`, `pending` or `closed` as written; presets translate their platform's statuses. */
  readonly ticketStatus?: string | undefined;
  readonly customerName?: string | undefined;
  readonly visibility?: 'public' | 'private' | 'system';
  /** How the message reached the old help desk (Zendesk `via.channel`), for the attribution line. */
  readonly channel?: string;
  /** Array from presets; csv/jsonl give a JSON string the mapper parses. */
  readonly attachments?: readonly SourceAttachment[] | string | undefined;
  readonly origin: Origin;
  /** The row as read (csv/jsonl) or in canonical columns (presets), for rejects.csv. */
  readonly fields: RowFields;
}

/** A row's cells by column name, as read: what rejects.csv writes back. */
export type Fields = Readonly<Record<string, string>>;

/**
 * A row whose cells are named only when asked (a reject, the spool). Naming every CSV row, an
 * object with a property per column, cost about a tenth of reading a million rows, more the more
 * columns, and `plan` never asks for an accepted row's fields.
 */
export abstract class LaterFields {
  abstract named(): Fields;
}

export type RowFields = Fields | LaterFields;

export function fieldsOf(fields: RowFields): Fields {
  return fields instanceof LaterFields ? fields.named() : fields;
}

/** A SourceNote under construction: readers fill optional fields one by one (cheaper than spreads). */
export type WritableSourceNote = { -readonly [K in keyof SourceNote]: SourceNote[K] };

export type SourceItem =
  | { readonly kind: 'note'; readonly note: SourceNote }
  | { readonly kind: 'reject'; readonly reject: Reject };

/** Every reader is a streaming async iterable of notes and rows it could not read. */
export type SourceReader = AsyncIterable<SourceItem>;
