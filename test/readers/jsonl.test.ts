import { describe, expect, it } from 'vitest';
import { draftsOf, mapAll, notesOf, readAll, rejectsOf, sourceOf } from './helpers.ts';

describe('jsonl reader', () => {
  it('rejects a line that is not JSON with its line number and reads on', async () => {
    const items = await readAll(sourceOf('jsonl', 'jsonl_bad_line_in_middle.jsonl'));
    expect(notesOf(items).map((n) => [n.id, n.origin.line])).toEqual([
      ['1', 1],
      ['3', 5],
    ]);
    expect(rejectsOf(items)).toMatchObject([
      { reason: 'invalid_json', origin: { line: 2 } },
      { reason: 'invalid_record', origin: { line: 4 }, message: expect.stringContaining('an array') as unknown },
    ]);
    expect(rejectsOf(items)[0]?.origin.file).toMatch(/jsonl_bad_line_in_middle\.jsonl$/);
    expect(rejectsOf(items)[0]?.message).toMatch(/^line 2: /);
    expect(items.map((i) => i.kind)).toEqual(['note', 'reject', 'reject', 'note']);
  });

  it('takes numbers as text, null as empty and a real JSON array of attachments', async () => {
    const notes = notesOf(await readAll(sourceOf('jsonl', 'jsonl_numbers_and_attachment_array.jsonl')));
    expect(notes).toMatchObject([
      {
        ticket: '42',
        id: '7',
        createdAt: '1700000000',
        text: '<p>Numbers are fine</p>',
        html: true,
        conversation: '1001',
        attachments: [{ fileName: 'log.txt', url: 'https://files.example.com/log.txt' }],
      },
    ]);
    expect(notes[0]?.customerEmail).toBeUndefined();
  });

  it('applies source.columns renames to the keys', async () => {
    const columns = { ticket: 'ticket_id', id: 'message_id', createdAt: 'sent', text: 'body' };
    const notes = notesOf(await readAll(sourceOf('jsonl', 'jsonl_renamed_keys.jsonl', { columns })));
    expect(notes).toMatchObject([{ ticket: 'T-3', id: 'm1', createdAt: '2024-02-02 10:00:00', text: 'Renamed keys' }]);
  });

  it('takes tags as a real JSON array or as text, and rejects a tag that is no text', async () => {
    const notes = notesOf(await readAll(sourceOf('jsonl', 'jsonl_tags_as_array.jsonl')));
    expect(notes[0]).toMatchObject({ tags: '["Mobile App","mobile  app","Android"]', authorEmail: 'Jo@Example.com', kind: 'customer', ticketStatus: 'active', customerName: 'Jo Jsonl' });
    const results = await mapAll(sourceOf('jsonl', 'jsonl_tags_as_array.jsonl'));
    expect(draftsOf(results).map((d) => [d.id, d.tags, d.kind, d.authorEmail])).toEqual([
      ['1', ['mobile app', 'android'], 'customer', 'jo@example.com'],
      ['2', ['ios', 'mobile app'], 'reply', undefined],
    ]);
    expect(results.flatMap((r) => ('reason' in r ? [[r.id, r.reason, r.field, r.message]] : []))).toEqual([['3', 'invalid_field', 'tags', 'tags[1] is not text: 7']]);
  });
});
