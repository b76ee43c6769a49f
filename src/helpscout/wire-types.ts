/** Request and response shapes of the Mailbox API v2 endpoints the importer uses. */

export interface AttachmentBody {
  readonly fileName: string;
  readonly mimeType: string;
  /** base64 */
  readonly data: string;
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

export interface ConversationBody {
  readonly subject: string;
  readonly type: 'email';
  readonly mailboxId: number;
  readonly status: 'active' | 'closed' | 'pending';
  readonly customer: { readonly email: string };
  readonly imported: true;
  readonly createdAt: string;
  readonly tags: readonly string[];
  readonly threads: readonly NoteThreadBody[];
  readonly user?: number;
}

export interface RemoteConversation {
  readonly id: number;
  readonly threads?: number;
  readonly mailboxId?: number;
  readonly subject?: string;
  readonly primaryCustomer?: { readonly email?: string };
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
