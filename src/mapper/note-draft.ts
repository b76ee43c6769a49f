import type { Origin } from '../core/reject.ts';
import type { RowFields } from '../readers/source-note.ts';

export interface AttachmentRef {
  readonly fileName: string;
  readonly mimeType: string;
  /** Absolute real path inside the export folder; bytes are read only when the note is sent. */
  readonly path?: string;
  /** Inline base64 data, when the export carried the bytes. */
  readonly data?: string;
  readonly size: number;
}

/** What a message was in the source (DESIGN §8): the customer's, an agent's reply, or an internal note. */
export type MessageKind = 'customer' | 'reply' | 'note';
/** Help Scout's conversation statuses: what the source ticket's status becomes. */
export type TicketStatus = 'active' | 'pending' | 'closed';

/** A note ready to plan: validated, dated in Help Scout's format, with its final text. */
export interface NoteDraft {
  /** Stable identity `ticket:id`, the unit of exactly-once. */
  readonly key: string;
  readonly ticket: string;
  readonly id: string;
  /** `YYYY-MM-DDTHH:mm:ssZ`, UTC. */
  readonly createdAt: string;
  /** Same instant in epoch seconds, for ordering. */
  readonly epoch: number;
  /** Position in the source, for a deterministic order within one second. */
  readonly seq: number;
  readonly text: string;
  readonly conversation?: number;
  readonly customerEmail?: string;
  readonly subject?: string;
  readonly user?: number;
  readonly status?: string;
  /** The author's address, trimmed and lower-cased; undefined when none or not an address. */
  readonly authorEmail: string | undefined;
  /** `note` when the source did not say. */
  readonly kind: MessageKind;
  /** This row's tags of its ticket (trimmed, lower-cased, each once); the ticket's are the union over its rows. */
  readonly tags: readonly string[];
  readonly ticketStatus: TicketStatus | undefined;
  /** The ticket's customer's name, trimmed, for a conversation the import creates. */
  readonly customerName: string | undefined;
  readonly attachments: readonly AttachmentRef[];
  readonly origin: Origin;
  /** The row as read: named only if the note is rejected or spooled. */
  readonly fields: RowFields;
}
