import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { createMapper } from '../../src/mapper/index.ts';
import { asDraft, asReject, mapperWith, NOW, note } from './helpers.ts';

describe('mapper', () => {
  it('builds a draft with key, UTC date, epoch and seq', () => {
    const map = mapperWith();
    const draft = asDraft(map(note({ createdAt: '2024-05-06T09:08:09+02:00', conversation: '42', user: '7', customerEmail: ' a@b.co ' })));
    expect(draft).toMatchObject({
      key: '123:1',
      ticket: '123',
      id: '1',
      createdAt: '2024-05-06T07:08:09Z',
      epoch: Date.parse('2024-05-06T07:08:09Z') / 1000,
      seq: 0,
      text: 'Hello',
      conversation: 42,
      user: 7,
      customerEmail: 'a@b.co',
      attachments: [],
    });
    expect(asDraft(map(note({ id: '2' }))).seq).toBe(1);
  });

  it('rejects the second (ticket, id) as duplicate_note', () => {
    const map = mapperWith();
    asDraft(map(note()));
    expect(asReject(map(note({ text: 'again' })))).toMatchObject({ reason: 'duplicate_note', ticket: '123', id: '1', field: 'id' });
  });

  it('lets a later good copy land when the first copy was rejected', () => {
    const map = mapperWith();
    asReject(map(note({ createdAt: 'garbage' })));
    expect(asDraft(map(note())).key).toBe('123:1');
  });

  it('keeps ticket ids with colons apart in the key', () => {
    const map = mapperWith();
    const a = asDraft(map(note({ ticket: 'a:b', id: 'c' })));
    const b = asDraft(map(note({ ticket: 'a', id: 'b:c' })));
    expect(a.key).not.toBe(b.key);
  });

  it('rejects unparseable and future dates with the field and origin', () => {
    const map = mapperWith();
    expect(asReject(map(note({ createdAt: 'soon' })))).toMatchObject({
      reason: 'invalid_date',
      field: 'createdAt',
      origin: { file: '/export/notes.csv', line: 2 },
      fields: { ticket: '123' },
    });
    expect(asReject(map(note({ id: '2', createdAt: (NOW + 60_000) / 1000 })))).toMatchObject({ reason: 'future_date' });
    expect(asReject(map(note({ id: '3', createdAt: ' ' })))).toMatchObject({ reason: 'missing_field', field: 'createdAt' });
  });

  it('rejects missing ticket or id as missing_field', () => {
    const map = mapperWith();
    expect(asReject(map(note({ ticket: ' ' })))).toMatchObject({ reason: 'missing_field', field: 'ticket' });
    expect(asReject(map(note({ id: '' })))).toMatchObject({ reason: 'missing_field', field: 'id' });
  });

  it.each([['conversation', 'abc'], ['conversation', '0'], ['conversation', '-3'], ['conversation', '1.5'], ['user', 'x'], ['customerEmail', 'nope'], ['status', 'solved']])(
    'rejects %s %j as invalid_field',
    (field, value) => {
      expect(asReject(mapperWith()(note({ [field]: value })))).toMatchObject({ reason: 'invalid_field', field });
    },
  );

  it('leaves an empty conversation out (the planner creates one)', () => {
    expect(asDraft(mapperWith()(note({ conversation: '' }))).conversation).toBeUndefined();
  });

  it('escapes plain text and turns its newlines into <br>', () => {
    expect(asDraft(mapperWith()(note({ text: 'a < b & "c"\r\nnext\nlast' }))).text).toBe('a &lt; b &amp; &quot;c&quot;<br>next<br>last');
  });

  it('keeps HTML as it is', () => {
    expect(asDraft(mapperWith()(note({ text: '<p>Hi <b>there</b></p>', html: true }))).text).toBe('<p>Hi <b>there</b></p>');
  });

  it('prefixes an attribution line with ticket, author and visibility', () => {
    const map = mapperWith({ attribution: true });
    expect(asDraft(map(note({ author: 'Jane <Doe>', visibility: 'private' }))).text).toBe(
      '<p><em>Imported from ticket #123 · Jane &lt;Doe&gt; · private</em></p>Hello',
    );
    expect(asDraft(map(note({ id: '2', channel: 'email' }))).text).toBe('<p><em>Imported from ticket #123 · Unknown author · via email</em></p>Hello');
  });

  it('rejects a note with no text and no attachments as empty_text', () => {
    const map = mapperWith();
    expect(asReject(map(note({ text: '  \n ' })))).toMatchObject({ reason: 'empty_text', field: 'text' });
    expect(asReject(map(note({ id: '2', html: true, text: '<div class="zd-comment"><p>&nbsp;</p></div>' })))).toMatchObject({ reason: 'empty_text' });
  });

  it('refuses an unknown time zone with a ConfigError', () => {
    expect(() => createMapper({ now: NOW, attribution: false, maxAttachmentBytes: 1, exportDir: '/x', timezone: 'Mars/Olympus' })).toThrow(ConfigError);
  });

  it('reads zone-less dates in the configured zone', () => {
    expect(asDraft(mapperWith({ timezone: 'Asia/Kolkata' })(note({ createdAt: '2024-05-06 12:00:00' }))).createdAt).toBe('2024-05-06T06:30:00Z');
  });

  it('numbers drafts in source order, so notes of the same second keep the order they were read in', () => {
    const map = mapperWith();
    const drafts = ['b', 'a', 'c'].map((id) => asDraft(map(note({ id, createdAt: '2024-05-06T07:08:09Z' }))));
    expect(drafts.map((d) => [d.id, d.epoch, d.seq])).toEqual([
      ['b', drafts[0]?.epoch, 0],
      ['a', drafts[0]?.epoch, 1],
      ['c', drafts[0]?.epoch, 2],
    ]);
  });

  it('leaves the text without an attribution line when attribution is off', () => {
    expect(asDraft(mapperWith({ attribution: false })(note({ author: 'Jane', visibility: 'public' }))).text).toBe('Hello');
  });

  it.each([
    ['missing_field', 'ticket', { ticket: '' }],
    ['missing_field', 'id', { id: ' ' }],
    ['missing_field', 'createdAt', { createdAt: undefined }],
    ['invalid_date', 'createdAt', { createdAt: '31/12/2023' }],
    ['future_date', 'createdAt', { createdAt: '2099-01-01T00:00:00Z' }],
    ['invalid_field', 'conversation', { conversation: 'x' }],
    ['invalid_field', 'attachments', { attachments: 'not json' }],
    ['attachment_path_outside_export', 'attachments', { attachments: [{ path: '../x' }] }],
    ['empty_text', 'text', { text: '' }],
    ['invalid_kind', 'kind', { kind: 'agent' }],
    ['invalid_ticket_status', 'ticketStatus', { ticketStatus: 'solved' }],
    ['invalid_field', 'tags', { tags: '[1]' }],
  ] as const)('a %s reject carries its code, file, line and field (%s)', (reason, field, fields) => {
    const reject = asReject(mapperWith()(note({ origin: { file: '/export/notes.csv', line: 17 }, ...fields })));
    expect(reject).toMatchObject({ reason, field, origin: { file: '/export/notes.csv', line: 17 }, fields: { ticket: '123' } });
    expect(reject.message).not.toBe('');
  });

  it('a duplicate_note reject carries the line of the second copy', () => {
    const map = mapperWith();
    asDraft(map(note({ origin: { file: '/export/notes.csv', line: 2 } })));
    expect(asReject(map(note({ origin: { file: '/export/notes.csv', line: 9 } })))).toMatchObject({
      reason: 'duplicate_note',
      field: 'id',
      origin: { file: '/export/notes.csv', line: 9 },
    });
  });
});
