import { CANONICAL_FIELDS, REQUIRED_FIELDS, type CanonicalField } from '../config/schema.ts';
import type { Origin } from '../core/reject.ts';
import { parseAttachmentList } from './attachment-list.ts';
import { looksLikeHtml } from './html-detect.ts';
import type { SourceNote, WritableSourceNote } from './source-note.ts';

/** For each canonical field, the column that holds it (`source.columns` renames applied). */
export type ColumnNames = Readonly<Record<CanonicalField, string>>;

export function columnNames(renames: Partial<Record<CanonicalField, string>> | undefined): ColumnNames {
  const names = {} as Record<CanonicalField, string>;
  for (const field of CANONICAL_FIELDS) names[field] = renames?.[field] ?? field;
  return names;
}

/** One message per required field whose column the header lacks, naming both. */
export function missingRequiredColumns(header: readonly string[], names: ColumnNames): string[] {
  const present = new Set(header);
  return REQUIRED_FIELDS.filter((field) => !present.has(names[field])).map((field) =>
    names[field] === field
      ? `required column "${field}" is missing`
      : `column "${names[field]}" (mapped to "${field}" by source.columns) is missing`,
  );
}

/**
 * A csv/jsonl row → SourceNote, raw: the mapper validates. `fields` keeps the row as read, so a
 * reject can be written back as the same row. Attachments are parsed here (the reader must
 * look at their files); a list that does not parse is passed on as text for the mapper to reject.
 */
export function noteFromRow(row: Readonly<Record<string, string>>, names: ColumnNames, origin: Origin): SourceNote {
  const text = row[names.text] ?? '';
  // One literal with every field, absent ones undefined: every row's note has one shape, so the
  // mapper's reads stay monomorphic; optional fields added one by one made a shape per combination.
  const note: WritableSourceNote = {
    ticket: row[names.ticket] ?? '',
    id: row[names.id] ?? '',
    createdAt: cell(row, names.createdAt),
    text,
    html: looksLikeHtml(text),
    conversation: cell(row, names.conversation),
    customerEmail: cell(row, names.customerEmail),
    subject: cell(row, names.subject),
    author: cell(row, names.author),
    user: cell(row, names.user),
    status: cell(row, names.status),
    authorEmail: cell(row, names.authorEmail),
    kind: cell(row, names.kind),
    tags: cell(row, names.tags),
    ticketStatus: cell(row, names.ticketStatus),
    customerName: cell(row, names.customerName),
    attachments: undefined,
    origin,
    fields: row,
  };
  const rawAttachments = cell(row, names.attachments);
  if (rawAttachments !== undefined) {
    const parsed = parseAttachmentList(rawAttachments);
    note.attachments = parsed.ok ? parsed.attachments : rawAttachments;
  }
  return note;
}

/** A cell's text; empty or absent is undefined. */
function cell(row: Readonly<Record<string, string>>, column: string): string | undefined {
  const v = row[column];
  return v === undefined || v === '' ? undefined : v;
}
