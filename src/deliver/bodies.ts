import { readFile } from 'node:fs/promises';
import type { NotePayload } from '../checkpoint/spool.ts';
import { FileBytes } from '../helpscout/json-body.ts';
import type { ConversationBody, ConversationThreadBody, CustomerThreadBody, NoteBody, ReplyBody } from '../helpscout/wire-types.ts';

/**
 * How one message goes to Help Scout (DESIGN §8): as a note, a customer thread or a reply, by
 * which user, to which customer. Every body built here carries `imported: true`: a reply
 * without it emails the customer.
 */
export type Voice =
  | { readonly type: 'note'; readonly user?: number }
  | { readonly type: 'customer'; readonly customer: string }
  | { readonly type: 'reply'; readonly customer: string; readonly user?: number; readonly status?: string };

/** A thread for an existing conversation, with the endpoint it goes to. */
export type OutgoingThread =
  | { readonly type: 'note'; readonly body: NoteBody }
  | { readonly type: 'customer'; readonly body: CustomerThreadBody }
  | { readonly type: 'reply'; readonly body: ReplyBody };

/** The text, date and attachments every thread type shares; attachment bytes are read from the export only now. */
async function common(payload: NotePayload): Promise<Pick<NoteBody, 'text' | 'imported' | 'createdAt' | 'attachments'>> {
  const attachments = await Promise.all(
    payload.attachments.map(async (a) => ({
      fileName: a.fileName,
      mimeType: a.mimeType,
      data: a.data ?? (a.path === undefined ? '' : new FileBytes(await readFile(a.path))),
    })),
  );
  return { text: payload.text, imported: true, createdAt: payload.createdAt, ...(attachments.length === 0 ? {} : { attachments }) };
}

/** A user named in the export's own `user` column wins over the one its author maps to. */
function userOf(payload: NotePayload, voice: { readonly user?: number }): { user?: number } {
  const user = payload.user ?? voice.user;
  return user === undefined ? {} : { user };
}

/** The body of one thread into an existing conversation. */
export async function threadBody(payload: NotePayload, voice: Voice): Promise<OutgoingThread> {
  const base = await common(payload);
  switch (voice.type) {
    case 'customer':
      return { type: 'customer', body: { ...base, customer: { email: voice.customer } } };
    case 'reply':
      return { type: 'reply', body: { ...base, customer: { email: voice.customer }, ...userOf(payload, voice), ...(voice.status === undefined ? {} : { status: voice.status }) } };
    case 'note':
      return { type: 'note', body: { ...base, ...userOf(payload, voice), ...(payload.status === undefined ? {} : { status: payload.status }) } };
  }
}

/** The same message as one of the threads of Create Conversation (a reply there takes no status). */
export async function conversationThread(payload: NotePayload, voice: Voice): Promise<ConversationThreadBody> {
  const base = await common(payload);
  switch (voice.type) {
    case 'customer':
      return { type: 'customer', ...base, customer: { email: voice.customer } };
    case 'reply':
      return { type: 'reply', ...base, customer: { email: voice.customer }, ...userOf(payload, voice) };
    case 'note':
      return { type: 'note', ...base, ...userOf(payload, voice) };
  }
}

export function linkText(kind: 'continued-from' | 'continued-in', conversation: number): string {
  const href = `https://secure.helpscout.net/conversation/${conversation}`;
  return kind === 'continued-from'
    ? `<p><em>Imported history continued from <a href="${href}">conversation ${conversation}</a>, which reached Help Scout's 100-thread limit.</em></p>`
    : `<p><em>Imported history continues in <a href="${href}">conversation ${conversation}</a>: this one reached Help Scout's 100-thread limit.</em></p>`;
}

/**
 * The one note an existing conversation gets when its imported history went into side
 * conversations (DESIGN §11): where, and (when the plan knew) how many notes from when to when.
 */
export function sideLinkText(conversations: readonly number[], span: { readonly notes: number; readonly from: number; readonly to: number } | undefined): string {
  const links = conversations.map((id) => `<a href="https://secure.helpscout.net/conversation/${id}">conversation ${id}</a>`).join(', ');
  const day = (epoch: number): string => new Date(epoch * 1000).toISOString().slice(0, 10);
  const what = span === undefined ? 'The imported history of this conversation' : `${span.notes} imported message${span.notes === 1 ? '' : 's'} of this conversation, ${day(span.from)} to ${day(span.to)},`;
  return `<p><em>${what} ${conversations.length === 1 ? 'is' : 'are'} in ${links}.</em></p>`;
}

export interface CreateSpec {
  readonly subject: string;
  readonly customerEmail: string;
  readonly customerName?: string;
  readonly mailboxId: number;
  readonly status: 'active' | 'closed' | 'pending';
  /** The import's own tag (finds an in-doubt create again) and the ticket's tags. */
  readonly tag: string;
  readonly tags?: readonly string[];
  readonly user?: number;
}

/** Help Scout takes first and last names of 1 to 40 characters. */
function customerNames(name: string | undefined): { firstName?: string; lastName?: string } {
  const words = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  const first = words[0]?.slice(0, 40);
  const last = words.slice(1).join(' ').slice(0, 40);
  return { ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}) };
}

export function conversationBody(spec: CreateSpec, threads: readonly ConversationThreadBody[]): ConversationBody {
  return {
    subject: spec.subject,
    type: 'email',
    mailboxId: spec.mailboxId,
    status: spec.status,
    customer: { email: spec.customerEmail, ...customerNames(spec.customerName) },
    imported: true,
    createdAt: threads[0]?.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    tags: [spec.tag, ...(spec.tags ?? []).filter((t) => t !== spec.tag)],
    threads,
    ...(spec.user === undefined ? {} : { user: spec.user }),
  };
}
