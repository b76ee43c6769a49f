import { readFile } from 'node:fs/promises';
import type { NotePayload } from '../checkpoint/spool.ts';
import type { ConversationBody, NoteBody, NoteThreadBody } from '../helpscout/wire-types.ts';

export interface BodyDefaults {
  /** Help Scout user the notes are attributed to, when the note names none. */
  readonly user?: number;
}

/** The Create Note body for a payload; attachment bytes are read from the export only now. */
export async function noteBody(payload: NotePayload, defaults: BodyDefaults): Promise<NoteBody> {
  const user = payload.user ?? defaults.user;
  const attachments = await Promise.all(
    payload.attachments.map(async (a) => ({
      fileName: a.fileName,
      mimeType: a.mimeType,
      data: a.data ?? (a.path === undefined ? '' : (await readFile(a.path)).toString('base64')),
    })),
  );
  return {
    text: payload.text,
    imported: true,
    createdAt: payload.createdAt,
    ...(user === undefined ? {} : { user }),
    ...(payload.status === undefined ? {} : { status: payload.status }),
    ...(attachments.length === 0 ? {} : { attachments }),
  };
}

export async function noteThread(payload: NotePayload, defaults: BodyDefaults): Promise<NoteThreadBody> {
  const { status, ...body } = await noteBody(payload, defaults);
  return { type: 'note', ...body };
}

export function linkText(kind: 'continued-from' | 'continued-in', conversation: number): string {
  const href = `https://secure.helpscout.net/conversation/${conversation}`;
  return kind === 'continued-from'
    ? `<p><em>Imported history continued from <a href="${href}">conversation ${conversation}</a>, which reached Help Scout's 100-thread limit.</em></p>`
    : `<p><em>Imported history continues in <a href="${href}">conversation ${conversation}</a>: this one reached Help Scout's 100-thread limit.</em></p>`;
}

export interface CreateSpec {
  readonly subject: string;
  readonly customerEmail: string;
  readonly mailboxId: number;
  readonly status: 'active' | 'closed' | 'pending';
  readonly tag: string;
  readonly user?: number;
}

export function conversationBody(spec: CreateSpec, threads: readonly NoteThreadBody[]): ConversationBody {
  return {
    subject: spec.subject,
    type: 'email',
    mailboxId: spec.mailboxId,
    status: spec.status,
    customer: { email: spec.customerEmail },
    imported: true,
    createdAt: threads[0]?.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    tags: [spec.tag],
    threads,
    ...(spec.user === undefined ? {} : { user: spec.user }),
  };
}
