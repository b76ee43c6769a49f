/** Request and response shapes of the Mailbox API v2 endpoints the importer uses. */

import type { FileBytes } from './json-body.ts';

export interface AttachmentBody {
  readonly fileName: string;
  readonly mimeType: string;
  /** base64 text, or the file's bytes, which the client sends as base64. */
  readonly data: string | FileBytes;
}

export interface NoteBody {
  readonly text: string;
  readonly imported: true;
  /** `YYYY-MM-DDTHH:mm:ssZ`; only accepted with `imported: true`. */
  readonly createdAt: string;
  readonly user?: number;
  readonly status?: string;
  readonly attachments?: readonly AttachmentBody[];
}

export interface NoteThreadBody extends NoteBody {
  readonly type: 'note';
}

/** A customer or a reply thread names the conversation's customer (by email). */
export interface CustomerRef {
  readonly email: string;
}

/** POST /v2/conversations/{id}/customer: a message from the customer. No `user`. */
export interface CustomerThreadBody extends Omit<NoteBody, 'user' | 'status'> {
  readonly customer: CustomerRef;
}

/** POST /v2/conversations/{id}/reply: an agent's answer; `status` keeps the conversation's, so nothing reopens. */
export interface ReplyBody extends NoteBody {
  readonly customer: CustomerRef;
}

/** A thread inside Create Conversation, of any of the three types. */
export type ConversationThreadBody = NoteThreadBody | (CustomerThreadBody & { readonly type: 'customer' }) | (ReplyBody & { readonly type: 'reply' });

export interface ConversationBody {
  readonly subject: string;
  readonly type: 'email';
  readonly mailboxId: number;
  readonly status: 'active' | 'closed' | 'pending';
  readonly customer: { readonly email: string; readonly firstName?: string; readonly lastName?: string };
  readonly imported: true;
  readonly createdAt: string;
  readonly tags: readonly string[];
  readonly threads: readonly ConversationThreadBody[];
  readonly user?: number;
}

export interface RemoteConversation {
  readonly id: number;
  readonly threads?: number;
  readonly mailboxId?: number;
  readonly subject?: string;
  readonly primaryCustomer?: { readonly email?: string };
  readonly status?: string;
}

/** One user of the account, as List Users shows it (invited users included). */
export interface RemoteUser {
  readonly id: number;
  readonly email?: string;
  readonly alternateEmails?: readonly string[];
}

export interface UserPage {
  readonly _embedded?: { readonly users?: readonly RemoteUser[] };
  readonly page?: { readonly totalPages?: number; readonly number?: number };
}

export interface RemoteThread {
  readonly id: number;
  readonly type?: string;
  readonly body?: string;
  readonly createdAt?: string;
}

export interface ThreadPage {
  readonly _embedded?: { readonly threads?: readonly RemoteThread[] };
  readonly page?: { readonly totalPages?: number; readonly number?: number };
}
