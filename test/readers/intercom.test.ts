import { describe, expect, it } from 'vitest';
import { draftsOf, mapAll, notesOf, readAll, rejectsOf, sourceOf } from './helpers.ts';

describe('intercom reader', () => {
  it('imports source as the first note, dated by the conversation', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_null_author_lead.json')));
    expect(notes[0]).toMatchObject({ ticket: '9001', id: 'source', createdAt: 1719492825, text: '<p>Hi, is anyone there?</p>', html: true, visibility: 'public' });
    expect(notes.map((n) => n.id)).toEqual(['source', 'p1', 'p2']);
  });

  it('names a lead with null name and empty email by its type', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_null_author_lead.json')));
    expect(notes.map((n) => n.author)).toEqual(['Lead', 'Ann Admin', 'Lead']);
    expect(notes[0]?.customerEmail).toBeUndefined();
  });

  it('turns bodiless system parts into one short line each, by author', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_system_events.json')));
    expect(notes.filter((n) => n.visibility === 'system').map((n) => n.text)).toEqual([
      'Conversation attribute updated by Operator',
      'Conversation assigned by Ann Admin',
      'Conversation closed by Ann Admin',
      'Sla applied',
    ]);
  });

  it('keeps a close part that carries text as a message, and notes private', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_system_events.json')));
    expect(notes.find((n) => n.id === 'e3')).toMatchObject({ text: '<p>Goodbye :)</p>', visibility: 'public' });
    expect(notes.find((n) => n.id === 'n1')).toMatchObject({ visibility: 'private', html: true });
  });

  it('skips system events with systemEvents "skip"', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_system_events.json', { systemEvents: 'skip' })));
    expect(notes.map((n) => n.id)).toEqual(['source', 'n1', 'e3', 'c1']);
  });

  it('keeps an attachment-only comment and links upload attachments', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_system_events.json')));
    expect(notes.find((n) => n.id === 'c1')).toMatchObject({ text: '', attachments: [{ fileName: 'photo.jpg', size: 100 }] });
    expect(notes[0]?.attachments).toEqual([{ fileName: 'invoice.pdf', mimeType: 'application/pdf', url: 'https://downloads.intercomcdn.com/i/o/1/invoice.pdf', size: 5000 }]);
  });

  it('takes the customer email from the first user author and the subject without tags', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_system_events.json')));
    expect(notes[0]).toMatchObject({ customerEmail: 'visitor@example.org', subject: 'Billing', author: 'visitor@example.org' });
  });

  it('reads a {"conversations": [...]} list and a conversation field mapping', async () => {
    const items = await readAll(sourceOf('intercom', 'intercom_conversation_list.json', { conversationField: 'custom_attributes.helpscout_id' }));
    expect(rejectsOf(items)).toEqual([]);
    expect(notesOf(items).map((n) => [n.ticket, n.id, n.conversation])).toEqual([
      ['9101', 'source', '777'],
      ['9102', 'source', undefined],
      ['9102', 'q1', undefined],
    ]);
  });

  it('reads the legacy 1.x conversation_message as the first note', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_legacy_conversation_message.json')));
    expect(notes).toMatchObject([
      { id: 'source', createdAt: 1400850973, author: 'Teammate', customerEmail: 'legacy@example.com', attachments: [{ fileName: 'signature', url: 'http://example.com/signature.jpg' }] },
      { id: '4412', createdAt: 1400857494, author: 'Customer' },
    ]);
  });

  it('turns snooze, unsnooze, assignment, close and open parts into short lines', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_open_snooze_events.json')));
    expect(notes.map((n) => [n.id, n.visibility, n.text])).toEqual([
      ['source', 'public', '<p>My export is stuck.</p>'],
      ['o1', 'system', 'Conversation snoozed by Ann Admin'],
      ['o2', 'system', 'Conversation unsnoozed by Operator'],
      ['o3', 'system', 'Conversation assigned by Ann Admin'],
      ['o4', 'system', 'Conversation closed by Ann Admin'],
      ['o5', 'system', 'Conversation reopened by Uma User'],
      ['o6', 'public', '<p>Fixed on our side.</p>'],
    ]);
    const skipped = notesOf(await readAll(sourceOf('intercom', 'intercom_open_snooze_events.json', { systemEvents: 'skip' })));
    expect(skipped.map((n) => n.id)).toEqual(['source', 'o6']);
  });

  it('names admins, bots, users and leads without a name or email by their type', async () => {
    const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_nameless_authors_by_type.json')));
    expect(notes.map((n) => [n.id, n.author])).toEqual([
      ['source', 'Customer'],
      ['a1', 'Bot'],
      ['a2', 'Teammate'],
      ['a3', 'Lead'],
      ['a4', undefined],
    ]);
  });

  it('dates parts given in epoch seconds in UTC, a system line included, with attribution', async () => {
    const drafts = draftsOf(await mapAll(sourceOf('intercom', 'intercom_open_snooze_events.json')));
    expect(drafts.map((d) => [d.id, d.createdAt])).toEqual([
      ['source', '2024-06-27T14:53:20Z'],
      ['o1', '2024-06-27T14:55:00Z'],
      ['o2', '2024-06-27T15:55:00Z'],
      ['o3', '2024-06-27T15:56:40Z'],
      ['o4', '2024-06-27T15:58:20Z'],
      ['o5', '2024-06-27T16:00:00Z'],
      ['o6', '2024-06-27T16:01:40Z'],
    ]);
    expect(drafts[4]?.text).toBe('<p><em>Imported from ticket #9201 · Ann Admin · system</em></p>Conversation closed by Ann Admin');
  });

  it('rejects a conversation whose parts are not a list, naming the field and the conversation', async () => {
    const items = await readAll(sourceOf('intercom', 'intercom_conversation_parts_not_an_array.json'));
    expect(notesOf(items).map((n) => [n.ticket, n.id])).toEqual([
      ['9305', 'source'],
      ['9306', 'source'],
      ['9306', 'q1'],
    ]);
    expect(rejectsOf(items).map((r) => [r.reason, r.field, r.origin.line, r.message])).toEqual([
      ['invalid_record', 'conversation_parts.conversation_parts', 1, 'Intercom conversation 9301: "conversation_parts.conversation_parts" is an object, expected an array'],
      ['invalid_record', 'conversation_parts', 2, 'Intercom conversation 9302: "conversation_parts" is a string, expected an object'],
      ['invalid_record', 'conversation_parts.conversation_parts', 3, 'Intercom conversation 9303: "conversation_parts.conversation_parts" is a number, expected an array'],
      ['invalid_record', 'ticket_parts.ticket_parts', 4, 'Intercom conversation 9304: "ticket_parts.ticket_parts" is a string, expected an array'],
    ]);
  });

  describe('authors, kinds, tags and status (DESIGN §8)', () => {
    const botAndLead = 'intercom_bot_author_and_lead_without_email.json';

    it('makes users, leads and contacts customers; admins, bots, operators and teams replies, or notes in note parts; no author or an unknown type open', async () => {
      const notes = notesOf(await readAll(sourceOf('intercom', botAndLead)));
      expect(notes.map((n) => [n.id, n.kind])).toEqual([
        ['source', 'customer'],
        ['b1', 'reply'],
        ['b2', 'note'],
        ['b3', 'note'],
        ['b4', 'reply'],
        ['b5', 'note'],
        ['b6', 'customer'],
        ['b7', 'customer'],
        ['b8', 'customer'],
        ['b9', 'reply'],
        ['b10', 'reply'],
        ['b11', undefined],
        ['b12', undefined],
      ]);
      expect(notes.find((n) => n.id === 'b3')).toMatchObject({ visibility: 'system', text: 'Conversation assigned by Fin' });
    });

    it('gives a bot its own address and a lead without email none, which is no reject', async () => {
      const notes = notesOf(await readAll(sourceOf('intercom', botAndLead)));
      expect(notes.map((n) => [n.id, n.authorEmail])).toEqual([
        ['source', undefined],
        ['b1', 'operator+abc@intercom.io'],
        ['b2', 'operator+abc@intercom.io'],
        ['b3', 'operator+abc@intercom.io'],
        ['b4', 'Ann@Example.com'],
        ['b5', 'Ann@Example.com'],
        ['b6', undefined],
        ['b7', 'uma@example.com'],
        ['b8', 'cy@example.com'],
        ['b9', undefined],
        ['b10', undefined],
        ['b11', undefined],
        ['b12', undefined],
      ]);
      const results = await mapAll(sourceOf('intercom', botAndLead));
      expect(results.filter((r) => 'reason' in r)).toEqual([]);
      expect(draftsOf(results).map((d) => d.authorEmail)).toEqual(notes.map((n) => n.authorEmail?.toLowerCase()));
    });

    it('takes tags from tags.tags[].name, the state, and the first customer-side author with a name', async () => {
      const notes = notesOf(await readAll(sourceOf('intercom', botAndLead)));
      for (const note of notes) expect(note).toMatchObject({ tags: ['Some Tag', 'needs   review', 'some tag'], ticketStatus: 'pending', customerName: 'Uma User', customerEmail: 'uma@example.com' });
      expect(draftsOf(await mapAll(sourceOf('intercom', botAndLead)))[0]?.tags).toEqual(['some tag', 'needs review']);
    });

    it('maps open to active, snoozed to pending, closed to closed, and a missing state to none', async () => {
      const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_every_state.json')));
      expect(notes.map((n) => [n.ticket, n.ticketStatus, n.customerName])).toEqual([
        ['9501', 'active', 'Opal'],
        ['9502', 'pending', 'Opal'],
        ['9503', 'closed', 'Opal'],
        ['9504', 'closed', 'Opal'],
        ['9505', undefined, undefined],
      ]);
    });

    it('tells the admin and the user of a legacy 1.x conversation apart', async () => {
      const notes = notesOf(await readAll(sourceOf('intercom', 'intercom_legacy_conversation_message.json')));
      expect(notes.map((n) => [n.id, n.kind])).toEqual([
        ['source', 'reply'],
        ['4412', 'customer'],
      ]);
    });
  });
});
