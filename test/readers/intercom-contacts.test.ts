import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { planImport } from '../../src/pipeline/plan-import.ts';
import { notesOf, readAll, sourceOf, tempDir } from './helpers.ts';

/** Intercom's own OpenAPI 2.11 response examples (six conversations) and intercom-go's legacy one. */
const SAMPLES = '/work/shared/samples/intercom';
const OPENAPI = Object.values(JSON.parse(readFileSync(join(SAMPLES, 'intercom-openapi-2.11.conversation-examples.json'), 'utf8')) as Record<string, Record<string, unknown>>);
const LEGACY = JSON.parse(readFileSync(join(SAMPLES, 'intercom-go.conversation.json'), 'utf8')) as Record<string, unknown>;

/** The contact ids a conversation names: 2.x `contacts.contacts[].id`, legacy `user.id`. */
function contactIds(conversation: Record<string, unknown>): string[] {
  const contacts = (conversation.contacts as { contacts?: { id: string }[] } | undefined)?.contacts ?? [];
  const user = conversation.user as { id?: string } | undefined;
  return [...contacts.map((c) => c.id), ...(user?.id === undefined ? [] : [user.id])];
}

function exportOf(dir: string, withContacts: boolean): { path: string; users?: string } {
  const conversations = [...OPENAPI, LEGACY];
  const path = join(dir, 'conversations.jsonl');
  writeFileSync(path, conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
  if (!withContacts) return { path };
  const users = join(dir, 'contacts.jsonl');
  const ids = [...new Set(conversations.flatMap(contactIds))];
  writeFileSync(users, ids.map((id, i) => JSON.stringify({ type: 'contact', id, role: 'user', name: `Contact ${i}`, email: `contact${i}@example.com` })).join('\n') + '\n');
  return { path, users };
}

/** Per conversation: the customer email its notes carry (what Create Conversation needs). */
async function customerEmails(dir: string, withContacts: boolean): Promise<Map<string, string | undefined>> {
  const notes = notesOf(await readAll(sourceOf('intercom', '', exportOf(dir, withContacts))));
  return new Map(notes.map((n) => [n.ticket, n.customerEmail]));
}

describe('intercom preset with the contacts file', () => {
  it('without contacts, only the two conversations with a user reply have a customer email', async () => {
    const emails = await customerEmails(tempDir(), false);
    expect(emails.size).toBe(7);
    // Admin-initiated, bot-updated, admin note, closed: the customer is a contact id and nothing else.
    expect([...emails].filter(([, e]) => e === undefined).map(([ticket]) => ticket)).toEqual(['367', '371', '388', '394', '147']);
  });

  it('with the contacts file, every sample conversation has its contact as customer', async () => {
    const emails = await customerEmails(tempDir(), true);
    expect(emails.size).toBe(7);
    expect([...emails].filter(([, e]) => e === undefined)).toEqual([]);
    // The first 2.x example is admin-initiated: its customer is its contact, not the admin author.
    expect(emails.get('367')).toMatch(/^contact\d+@example\.com$/);
    expect(emails.get('147')).toMatch(/^contact\d+@example\.com$/);
  });

  it('names a customer author known only by id from the contacts file', async () => {
    const dir = tempDir();
    const notes = notesOf(await readAll(sourceOf('intercom', '', exportOf(dir, true))));
    const legacyReply = notes.find((n) => n.ticket === '147' && n.id === '4412');
    expect(legacyReply?.author).toMatch(/^Contact \d+$/);
    expect(legacyReply?.authorEmail).toMatch(/^contact\d+@example\.com$/);
  });

  it('plans the sample conversations with no customer_email_missing once the contacts file names them', async () => {
    const rejectedFor = async (withContacts: boolean): Promise<string[]> => {
      const dir = tempDir();
      const { users } = exportOf(dir, withContacts);
      const raw = { source: { format: 'intercom', path: 'conversations.jsonl', ...(users === undefined ? {} : { users: 'contacts.jsonl' }) }, target: { baseUrl: 'https://api.helpscout.net', mailboxId: 1 } };
      const plan = await planImport(validateConfig(raw, join(dir, 'import.config.json')), { env: {} });
      return plan.plannedRejects.filter((r) => r.reason === 'customer_email_missing').map((r) => r.ticket);
    };
    expect(new Set(await rejectedFor(false))).toEqual(new Set(['367', '371', '388', '394', '147']));
    expect(await rejectedFor(true)).toEqual([]);
  });

  it('refuses a contacts file line that is not a JSON object, naming the file', async () => {
    const dir = tempDir();
    const { path } = exportOf(dir, false);
    const users = join(dir, 'contacts.jsonl');
    writeFileSync(users, '{"id":"1","email":"a@example.com"}\nnot json\n');
    await expect(readAll(sourceOf('intercom', path, { users }))).rejects.toThrow(/source\.users: record 2 of .*contacts\.jsonl/);
  });
});
