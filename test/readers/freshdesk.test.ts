import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { draftsOf, FIXTURES, mapAll, notesOf, readAll, rejectsOf, sourceOf } from './helpers.ts';

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

  it('takes the first message from description_text when the HTML description is empty', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description_text.json')));
    expect(notes.map((n) => n.id)).toEqual(['description', '3101']);
    expect(notes[0]).toMatchObject({
      text: 'The HTML description is empty;\nthis text is the first message.',
      html: false,
      author: 'Tara Text',
      createdAt: '2024-05-01T10:00:00Z',
    });
  });

  it('names an unknown user by the side incoming says it wrote from, keeping private as is', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_incoming_from_unknown_user.json')));
    expect(notes.map((n) => [n.id, n.author, n.visibility])).toEqual([
      ['description', 'Quinn Requester', 'public'],
      ['4101', 'Customer', 'public'],
      ['4102', 'Agent', 'private'],
      ['4103', 'Quinn Requester', 'public'],
      ['4104', 'cc@example.net', 'private'],
    ]);
  });

  it('lists expiring attachment URLs as links in the note, downloading nothing', async () => {
    const drafts = draftsOf(await mapAll(sourceOf('freshdesk', 'freshdesk_first_message_in_description.json')));
    expect(drafts[0]?.attachments).toEqual([]);
    expect(drafts[0]?.text).toContain(
      '<li><a href="https://s3.amazonaws.com/cdn.freshdesk.com/data/helpdesk/attachments/production/11/original/screenshot.png?X-Amz-Expires=300&amp;X-Amz-Signature=abc">screenshot.png</a></li>',
    );
  });

  it('rejects a ticket whose conversations (or v1 notes) are not a list, naming the field and the ticket', async () => {
    const items = await readAll(sourceOf('freshdesk', 'freshdesk_conversations_not_an_array.json'));
    expect(notesOf(items).map((n) => [n.ticket, n.id])).toEqual([
      ['13', 'description'],
      ['15', 'description'],
      ['15', '1501'],
    ]);
    expect(rejectsOf(items).map((r) => [r.reason, r.field, r.origin.line, r.message])).toEqual([
      ['invalid_record', 'conversations', 1, 'Freshdesk ticket 11: "conversations" is an object, expected an array'],
      ['invalid_record', 'conversations', 2, 'Freshdesk ticket 12: "conversations" is a string, expected an array'],
      ['invalid_record', 'notes', 4, 'Freshdesk ticket 14: "notes" is an object, expected an array'],
    ]);
  });

  describe('authors, kinds, tags and status (DESIGN §8)', () => {
    const customerNote = 'freshdesk_private_note_by_customer.json';
    const agents = join(FIXTURES, 'freshdesk/freshdesk_agents.csv');

    it('makes the description and incoming messages customer ones, private ones notes even when incoming, the rest replies', async () => {
      const notes = notesOf(await readAll(sourceOf('freshdesk', customerNote)));
      expect(notes.map((n) => [n.id, n.kind])).toEqual([
        ['description', 'customer'],
        ['5101', 'customer'],
        ['5102', 'note'],
        ['5103', 'reply'],
        ['5104', 'note'],
        ['5105', 'reply'],
      ]);
      const unknown = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_incoming_from_unknown_user.json')));
      expect(unknown.map((n) => n.kind)).toEqual(['customer', 'customer', 'note', 'customer', 'note']);
    });

    it('takes author emails from the requester, the users file, else the address in from_email', async () => {
      const notes = notesOf(await readAll(sourceOf('freshdesk', customerNote)));
      expect(notes.map((n) => n.authorEmail)).toEqual(['Rosa@Example.com', 'Rosa@Example.com', 'Rosa@Example.com', 'Support@Example.com', undefined, 'no address here']);
      const withAgents = notesOf(await readAll(sourceOf('freshdesk', customerNote, { users: agents })));
      expect(withAgents[3]).toMatchObject({ author: 'Omar Agent', authorEmail: 'omar@example.com' });
    });

    it('gives every note of a ticket its tags, status and requester name', async () => {
      const notes = notesOf(await readAll(sourceOf('freshdesk', customerNote)));
      for (const note of notes) expect(note).toMatchObject({ tags: ['Billing Issue', 'VIP', 'billing  issue', 'refund'], ticketStatus: 'pending', customerName: 'Rosa Requester' });
    });

    it('maps status 2 to active, 3 to pending, 4 and 5 to closed, and leaves a custom or missing one empty', async () => {
      const notes = notesOf(await readAll(sourceOf('freshdesk', 'freshdesk_every_status.json')));
      expect(notes.map((n) => [n.ticket, n.ticketStatus])).toEqual([
        ['60', 'active'],
        ['61', 'pending'],
        ['62', 'closed'],
        ['63', 'closed'],
        ['64', undefined],
        ['65', 'active'],
        ['66', undefined],
      ]);
    });

    it('maps them into drafts: lower-cased emails, none for what is no address, tags as Help Scout keeps them', async () => {
      const results = await mapAll(sourceOf('freshdesk', customerNote));
      expect(results.filter((r) => 'reason' in r)).toEqual([]);
      const drafts = draftsOf(results);
      expect(drafts.map((d) => d.authorEmail)).toEqual(['rosa@example.com', 'rosa@example.com', 'rosa@example.com', 'support@example.com', undefined, undefined]);
      expect(drafts[0]).toMatchObject({ kind: 'customer', tags: ['billing issue', 'vip', 'refund'], ticketStatus: 'pending', customerName: 'Rosa Requester' });
    });
  });
});
