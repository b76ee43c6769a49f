import { CANONICAL_FIELDS, REQUIRED_FIELDS, type CanonicalField } from '../config/schema.ts';
import type { Origin } from '../core/reject.ts';
import { parseAttachmentList } from './attachment-list.ts';
import { looksLikeHtml } from './html-detect.ts';
import type { RowFields, SourceNote, WritableSourceNote } from './source-note.ts';

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

/** For each canonical field, where a row's cells hold it (-1: no such column). */
export type ColumnIndex = Readonly<Record<CanonicalField, number>>;

/** Where a header's columns hold the canonical fields. */
export function columnIndex(header: readonly string[], names: ColumnNames): ColumnIndex {
  const index = {} as Record<CanonicalField, number>;
  for (const field of CANONICAL_FIELDS) index[field] = header.indexOf(names[field]);
  return index;
}

/** Cells in CANONICAL_FIELDS order, as `noteFromRow` lays a named row out. */
const CANONICAL_ORDER: ColumnIndex = columnIndex(CANONICAL_FIELDS, columnNames(undefined));

/** A row named by its columns (JSONL) → SourceNote, as `noteFromCells`. */
export function noteFromRow(row: Readonly<Record<string, string>>, names: ColumnNames, origin: Origin): SourceNote {
  return noteFromCells(CANONICAL_FIELDS.map((field) => row[names[field]]), CANONICAL_ORDER, row, origin);
}

/**
 * A csv/jsonl row → SourceNote, raw: the mapper validates. Cells are read by position, not
 * from an object named by the header (see LaterFields); `fields` keeps the row as read, so a
 * reject can be written back as the same row. Attachments are parsed here (the reader must
 * look at their files); a list that does not parse is passed on as text for the mapper to reject.
 */
export function noteFromCells(cells: readonly (string | undefined)[], at: ColumnIndex, fields: RowFields, origin: Origin): SourceNote {
  const text = cells[at.text] ?? '';
  // One literal with every field, absent ones undefined: every row's note has one shape, so the
  // mapper's reads stay monomorphic; optional fields added one by one made a shape per combination.
  const note: WritableSourceNote = {
    ticket: cells[at.ticket] ?? '',
    id: cells[at.id] ?? '',
    createdAt: cell(cells, at.createdAt),
    text,
    html: looksLikeHtml(text),
    conversation: cell(cells, at.conversation),
    customerEmail: cell(cells, at.customerEmail),
    subject: cell(cells, at.subject),
    author: cell(cells, at.author),
    user: cell(cells, at.user),
    status: cell(cells, at.status),
    authorEmail: cell(cells, at.authorEmail),
    kind: cell(cells, at.kind),
    tags: cell(cells, at.tags),
    ticketStatus: cell(cells, at.ticketStatus),
    customerName: cell(cells, at.customerName),
    attachments: undefined,
    origin,
    fields,
  };
  const rawAttachments = cell(cells, at.attachments);
  if (rawAttachments !== undefined) {
    const parsed = parseAttachmentList(rawAttachments);
    note.attachments = parsed.ok ? parsed.attachments : rawAttachments;
  }
  return note;
}

/** A cell's text; empty or absent is undefined. A negative position is checked first: `cells[-1]` is a slow, named lookup. */
function cell(cells: readonly (string | undefined)[], at: number): string | undefined {
  if (at < 0) return undefined;
  const v = cells[at];
  return v === undefined || v === '' ? undefined : v;
}
