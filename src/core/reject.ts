/** Where a row came from: the file and its line (csv/jsonl) or record number (json). */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/**
 * Stable reason codes. They appear in rejects.csv, reports and the checkpoint, so they are
 * part of the public contract: add, never rename.
 */
export const REJECT_REASONS = [
  'missing_field',
  'invalid_field',
  'invalid_date',
  'future_date',
  'duplicate_note',
  'empty_text',
  'invalid_json',
  'invalid_record',
  'invalid_encoding',
  'customer_email_missing',
  'attachment_path_outside_export',
  'attachment_not_found',
  'attachment_too_large',
  'attachment_invalid',
  'conversation_not_found',
  'thread_limit',
  'too_old',
  'api_rejected',
  'note_too_large',
  'invalid_kind',
  'invalid_ticket_status',
  'attachment_host_not_allowed',
  'attachment_unavailable',
  'spam_ticket',
  'deleted_ticket',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const REASONS: ReadonlySet<string> = new Set(REJECT_REASONS);

export function isRejectReason(code: string): code is RejectReason {
  return REASONS.has(code);
}

export interface Reject {
  readonly reason: RejectReason;
  readonly message: string;
  readonly origin: Origin;
  readonly field?: string;
  readonly ticket?: string;
  readonly id?: string;
  /** The row as it was read (csv/jsonl) or in canonical columns (presets): re-feedable. */
  readonly fields: Readonly<Record<string, string>>;
}
