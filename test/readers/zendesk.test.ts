import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../src/readers/source-note.ts';
import { draftsOf, FIXTURES, mapAll, notesOf, readAll, rejectsOf, sourceOf } from './helpers.ts';

const users = join(FIXTURES, 'zendesk/zendesk_users.csv');

describe('zendesk reader', () => {
  it('imports comment 1 once and never the description that repeats it', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes.filter((n) => n.ticket === '101').map((n) => n.id)).toEqual(['1001', '1002', '1003']);
    expect(notes.some((n) => n.id === 'description')).toBe(false);
    expect(notes[0]).toMatchObject({ ticket: '101', createdAt: '2024-02-01T09:00:00Z', html: true, customerEmail: 'carla@example.com', subject: 'Printer on fire' });
  });

  it('marks public and private comments and keeps the via channel', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes.slice(0, 3).map((n) => [n.visibility, n.channel])).toEqual([
      ['public', 'email'],
      ['private', 'web'],
      ['public', 'email'],
    ]);
  });

  it('falls back to the plain body when html_body is empty, keeping non-ASCII text', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes[1]).toMatchObject({ html: false, text: 'Internal: check the warranty.\nIt’s still valid ▇▇▇▇.' });
  });

  it('keeps a literal backslash-n as text, never unescaping twice', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes.find((n) => n.ticket === '102')?.text).toBe('Voicemail transcript:\\nplease call back');
  });

  it('names authors from embedded people, and from the users file first', async () => {
    const without = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(without.slice(0, 3).map((n) => n.author)).toEqual(['Carla Customer', 'Alex Agent', undefined]);
    const withUsers = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson', { users })));
    expect(withUsers.slice(0, 3).map((n) => n.author)).toEqual(['Carla C. (users file)', 'Alex Agent', 'Sam Supervisor']);
  });

  it('lists attachment URLs as link attachments with their names', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes[1]?.attachments).toEqual([
      { fileName: 'warranty.pdf', mimeType: 'application/pdf', url: 'https://example.zendesk.com/attachments/token/abc/?name=warranty.pdf', size: 1234 },
    ]);
  });

  it('maps tickets to conversations from the map file, else from a custom field', async () => {
    const mapped = notesOf(
      await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson', { conversationMap: join(FIXTURES, 'zendesk/zendesk_conversation_map.csv') })),
    );
    expect(mapped.map((n) => [n.ticket, n.conversation])).toEqual([
      ['101', '4242'],
      ['101', '4242'],
      ['101', '4242'],
      ['102', undefined],
    ]);
    const byField = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson', { conversationField: 'custom_fields.360001' })));
    expect(byField[0]?.conversation).toBe('555');
  });

  it('reads the same tickets from a pretty-printed {"tickets": [...]} file', async () => {
    const fromWrapper = notesOf(await readAll(sourceOf('zendesk', 'zendesk_tickets_wrapper.json')));
    const fromLines = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(fromWrapper.map((n) => [n.ticket, n.id, n.text])).toEqual(fromLines.map((n) => [n.ticket, n.id, n.text]));
    expect(fromWrapper.map((n) => n.origin.line)).toEqual([1, 1, 1, 2]);
  });

  it('imports the description of a ticket that has no comments, and nothing for an empty one', async () => {
    const items = await readAll(sourceOf('zendesk', 'zendesk_ticket_without_comments_uses_description.ndjson'));
    expect(notesOf(items)).toMatchObject([{ ticket: '301', id: 'description', text: 'I want a refund.', createdAt: 1706778000, visibility: 'public' }]);
    expect(rejectsOf(items)).toEqual([]);
  });

  it('reads Comment events of an audits page, with the audit author as fallback', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_audits_comment_events.json', { users })));
    expect(notes.map((n) => [n.ticket, n.id, n.createdAt, n.visibility])).toEqual([
      ['401', '5002', '2023-09-09T23:52:05Z', 'private'],
      ['401', '5012', '2023-09-09T23:52:05Z', 'public'],
    ]);
    expect(notes.map((n) => n.author)).toEqual([undefined, 'Carla C. (users file)']);
  });

  it('rejects a broken line, an array line and a ticket without id, and keeps reading', async () => {
    const items = await readAll(sourceOf('zendesk', 'zendesk_bad_line_between_tickets.ndjson'));
    expect(notesOf(items).map((n) => n.ticket)).toEqual(['501', '503']);
    expect(rejectsOf(items).map((r) => [r.reason, r.origin.line])).toEqual([
      ['invalid_json', 2],
      ['invalid_record', 5],
      ['invalid_record', 6],
    ]);
  });

  it('gives each note canonical fields for rejects.csv', async () => {
    const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_description_repeats_first_comment.ndjson')));
    expect(notes[1]?.fields).toMatchObject({ ticket: '101', id: '1002', createdAt: '2024-02-01T09:30:00Z', author: 'Alex Agent', customerEmail: 'carla@example.com' });
    expect(JSON.parse(fieldsOf(notes[1]?.fields ?? {}).attachments ?? '')).toHaveLength(1);
  });

  it('reads a bare JSON array of tickets, comment 1 winning over the description', async () => {
    const items = await readAll(sourceOf('zendesk', 'zendesk_tickets_array.json'));
    expect(rejectsOf(items)).toEqual([]);
    expect(notesOf(items).map((n) => [n.ticket, n.id, n.text, n.origin.line])).toEqual([
      ['601', '6001', '<p>First message, as HTML.</p>', 1],
      ['601', '6002', 'Second.', 1],
      ['602', '6011', 'Only message.', 2],
    ]);
    expect(notesOf(items)[0]).toMatchObject({ author: 'Rae Requester', channel: 'web', customerEmail: 'rae@example.com' });
  });

  it('rejects a ticket whose comments are not a list, naming the field and the ticket, instead of dropping it', async () => {
    const items = await readAll(sourceOf('zendesk', 'zendesk_comments_not_an_array.ndjson'));
    expect(notesOf(items).map((n) => [n.ticket, n.id])).toEqual([
      ['804', 'description'],
      ['805', '8051'],
    ]);
    expect(rejectsOf(items).map((r) => [r.reason, r.field, r.origin.line, r.message])).toEqual([
      ['invalid_record', 'comments', 1, 'Zendesk ticket 801: "comments" is an object, expected an array'],
      ['invalid_record', 'comments', 2, 'Zendesk ticket 802: "comments" is a string, expected an array'],
      ['invalid_record', 'comments', 3, 'Zendesk ticket 803: "comments" is a number, expected an array'],
    ]);
  });

  describe('authors, kinds, tags and status (DESIGN §8)', () => {
    const agentRequester = 'zendesk_agent_who_is_also_requester.ndjson';

    it('makes the requester\'s public comments customer ones, an agent who is the requester too; others\' public ones replies; private ones notes', async () => {
      const notes = notesOf(await readAll(sourceOf('zendesk', agentRequester)));
      expect(notes.map((n) => [n.id, n.kind])).toEqual([
        ['7101', 'customer'],
        ['7102', 'note'],
        ['7103', 'reply'],
        ['7104', 'note'],
        ['7105', 'reply'],
        ['7106', 'reply'],
        ['description', 'customer'],
      ]);
    });

    it('leaves the kind of a public audit comment open (no requester to compare with) and makes a private one a note', async () => {
      const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_audits_comment_events.json')));
      expect(notes.map((n) => [n.id, n.kind])).toEqual([
        ['5002', 'note'],
        ['5012', undefined],
      ]);
    });

    it('takes author emails from embedded people and the users file, none for an author nobody knows', async () => {
      const without = notesOf(await readAll(sourceOf('zendesk', agentRequester)));
      expect(without.map((n) => n.authorEmail)).toEqual(['Alex.Agent@Helpdesk.example', 'Alex.Agent@Helpdesk.example', 'ivy@helpdesk.example', 'ivy@helpdesk.example', undefined, undefined, 'nia@example.com']);
      const withUsers = notesOf(await readAll(sourceOf('zendesk', agentRequester, { users })));
      expect(withUsers[4]).toMatchObject({ author: 'Sam Supervisor', authorEmail: 'sam@helpdesk.example' });
    });

    it('gives every note of a ticket its tags, status and requester name', async () => {
      const notes = notesOf(await readAll(sourceOf('zendesk', agentRequester)));
      for (const note of notes.slice(0, 6)) expect(note).toMatchObject({ tags: ['IT_Request', 'vip', 'VIP', 'hardware'], ticketStatus: 'pending', customerName: 'Alex Agent' });
      expect(notes[6]).toMatchObject({ ticketStatus: 'active', customerName: 'Nia Newcomer' });
      expect(notes[6]?.tags).toBeUndefined();
    });

    it('maps new/open to active, pending/hold to pending, solved/closed to closed, and leaves any other status empty', async () => {
      const notes = notesOf(await readAll(sourceOf('zendesk', 'zendesk_every_status.ndjson')));
      expect(notes.map((n) => [n.text, n.ticketStatus])).toEqual([
        ['new', 'active'],
        ['open', 'active'],
        ['pending', 'pending'],
        ['hold', 'pending'],
        ['solved', 'closed'],
        ['closed', 'closed'],
        ['deleted', undefined],
        ['capitalised', 'closed'],
        ['no status', undefined],
      ]);
    });

    it('maps them into drafts: lower-cased email, one lower-case copy of each tag', async () => {
      const results = await mapAll(sourceOf('zendesk', agentRequester));
      expect(results.filter((r) => 'reason' in r)).toEqual([]);
      expect(draftsOf(results)[0]).toMatchObject({ authorEmail: 'alex.agent@helpdesk.example', kind: 'customer', tags: ['it_request', 'vip', 'hardware'], ticketStatus: 'pending', customerName: 'Alex Agent' });
    });

    it('writes the new canonical columns into each note\'s fields for rejects.csv', async () => {
      const notes = notesOf(await readAll(sourceOf('zendesk', agentRequester)));
      expect(notes[1]?.fields).toMatchObject({
        authorEmail: 'Alex.Agent@Helpdesk.example',
        kind: 'note',
        tags: '["IT_Request","vip","VIP","hardware"]',
        ticketStatus: 'pending',
        customerName: 'Alex Agent',
      });
      expect(notes[6]?.fields).toMatchObject({ tags: '', kind: 'customer' });
    });
  });
});
