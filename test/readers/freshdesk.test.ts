import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, notesOf, readAll, sourceOf } from './helpers.ts';

describe('freshdesk reader', () => {
  it('imports the first message from description, before the conversations', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description.json')));
    expect(notes.map((n) => n.id)).toEqual(['description', '21', '22', '23']);
    expect(notes[0]).toMatchObject({
      ticket: '1',
      text: '<div>I cannot log in since <b>Monday</b>.</div>',
      html: true,
      createdAt: '2024-04-02T09:15:00+05:30',
      author: 'Priya Patel',
      visibility: 'public',
      customerEmail: 'priya@example.in',
      subject: 'Broken login',
    });
  });

  it('marks private notes private and replies public', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description.json')));
    expect(notes.map((n) => n.visibility)).toEqual(['public', 'private', 'public', 'public']);
  });

  it('names authors by user_id from the users file, the requester, or from_email', async () => {
    const source = sourceOf('freshdesk', 'freshdesk_first_message_in_description.json', { users: join(FIXTURES, 'freshdesk/freshdesk_agents.csv') });
    const notes = notesOf(await readAll(source));
    expect(notes.map((n) => n.author)).toEqual(['Priya Patel', 'Omar Agent', 'Support <support@example.com>', 'Priya Patel']);
  });

  it('falls back to body_text when the HTML body is empty', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description.json')));
    expect(notes[3]).toMatchObject({ text: 'It works now, thanks!', html: false });
  });

  it('lists expiring attachment_url links, accepting file_size and size', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description.json')));
    expect(notes[0]?.attachments).toEqual([
      expect.objectContaining({ fileName: 'screenshot.png', mimeType: 'image/png', size: 2048, url: expect.stringContaining('X-Amz-Expires') as unknown }),
    ]);
    expect(notes[2]?.attachments).toEqual([expect.objectContaining({ fileName: 'guide.pdf', size: 4096 })]);
  });

  it('reads an array of tickets, taking the ticket email when there is no requester', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_tickets_array.json')));
    expect(notes.map((n) => [n.ticket, n.id, n.origin.line])).toEqual([
      ['1', 'description', 1],
      ['1', '21', 1],
      ['1', '22', 1],
      ['1', '23', 1],
      ['2', 'description', 2],
    ]);
    expect(notes[4]?.customerEmail).toBe('solo@example.com');
  });

  it('reads the legacy v1 helpdesk_ticket with notes, by display id', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_legacy_v1_notes.json')));
    expect(notes).toMatchObject([
      { ticket: '7', id: 'description', text: '<div>Plain &lt;first&gt; message</div>', html: true, author: 'Rita', createdAt: '2015-01-01T12:27:09+10:00' },
      { ticket: '7', id: '99', text: '<div>\r\n<div>A reply.</div>\r\n</div>', html: true, visibility: 'public' },
    ]);
  });
});
