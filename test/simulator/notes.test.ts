import { describe, expect, it } from 'vitest';
import { anyObject, anyString, note, startTestSimulator, vndError } from './helpers.ts';

const NOTES = '/v2/conversations/1001/notes';

describe('POST /v2/conversations/{id}/notes', () => {
  it('"HTTP/1.1 201 Created", header Resource-ID = the new thread id, empty body', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', NOTES, note());
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('');
    const threadId = Number(response.headers.get('resource-id'));
    const [thread] = sim.state.conversations.get(1001)?.threads ?? [];
    expect(thread?.id).toBe(threadId);
  });

  it('stores a note thread: body = text, createdAt as given, imported, createdBy user, attachments; threads +1', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api(
      'POST',
      '/v2/conversations/1002/notes',
      note({ user: 1, attachments: [{ fileName: 'a.txt', mimeType: 'text/plain', data: Buffer.from('hello').toString('base64') }] }),
    );
    expect(response.status).toBe(201);
    const conversation = sim.state.conversations.get(1002);
    expect(conversation?.threads).toHaveLength(3);
    const stored = conversation?.threads.find((t) => t.type === 'note');
    expect(stored).toMatchObject({
      type: 'note',
      body: 'Imported from Zendesk #42',
      createdAt: '2020-05-04T10:11:12Z',
      imported: true,
      createdBy: { id: 1, type: 'user' },
      attachments: [{ fileName: 'a.txt', mimeType: 'text/plain', size: 5 }],
    });
    const get = (await (await sim.api('GET', '/v2/conversations/1002')).json()) as { threads: number };
    expect(get.threads).toBe(3);
  });

  it('without createdAt the note is dated now', async () => {
    const sim = await startTestSimulator();
    const before = Date.now() - 1000;
    expect((await sim.api('POST', NOTES, { text: 'now' })).status).toBe(201);
    const thread = sim.state.conversations.get(1001)?.threads[0];
    expect(thread?.imported).toBe(false);
    expect(thread?.createdAtMs).toBeGreaterThanOrEqual(before);
  });

  it('"text" is required: missing or empty → 400 vnd.error with path "text"', async () => {
    const sim = await startTestSimulator();
    for (const body of [{}, { text: '' }, { text: '   ' }]) {
      const response = await sim.api('POST', NOTES, body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/vnd.error+json');
      const error = await vndError(response);
      expect(error).toMatchObject({ logRef: anyString, message: 'Bad request', _links: anyObject });
      expect(error._embedded.errors).toEqual([expect.objectContaining({ path: 'text', source: 'JSON', message: 'may not be empty' })]);
    }
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
  });

  it('"createdAt … can only be used with imported field set to true"', async () => {
    const sim = await startTestSimulator();
    for (const imported of [undefined, false]) {
      const response = await sim.api('POST', NOTES, note({ imported }));
      expect(response.status).toBe(400);
      expect((await vndError(response))._embedded.errors[0]).toMatchObject({ path: 'createdAt', rejectedValue: '2020-05-04T10:11:12Z' });
    }
  });

  it.each([
    ['milliseconds', '2020-05-04T10:11:12.000Z'],
    ['an offset', '2020-05-04T10:11:12+02:00'],
    ['no zone', '2020-05-04T10:11:12'],
    ['a date only', '2020-05-04'],
    ['an impossible day', '2021-02-30T10:11:12Z'],
    ['a number', 1588587072],
  ])('"The value must be a valid ISO 8601 date with the format yyyy-MM-dd\'T\'HH:mm:ss\'Z\'": %s → 400 "Malformed date"', async (_, createdAt) => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', NOTES, note({ createdAt }));
    expect(response.status).toBe(400);
    expect((await vndError(response))._embedded.errors).toEqual([
      expect.objectContaining({ path: 'createdAt', message: 'Malformed date', rejectedValue: createdAt, source: 'JSON' }),
    ]);
  });

  it('"status" must be one of the documented set (active, closed, inbox_predefined, open, pending, spam) and changes the conversation status', async () => {
    const sim = await startTestSimulator();
    const wrong = await sim.api('POST', NOTES, note({ status: 'Wrong' }));
    expect(wrong.status).toBe(400);
    expect((await vndError(wrong))._embedded.errors[0]).toMatchObject({
      path: 'status',
      message: "Expected one of these: 'active', 'closed', 'inbox_predefined', 'open', 'pending', 'spam'",
      rejectedValue: 'Wrong',
    });
    expect((await sim.api('POST', NOTES, note({ status: 'closed' }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.status).toBe('closed');
  });

  it('"The inbox_predefined status will set conversation state to the inbox\' default value" (active)', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1001, status: 'closed' }] });
    expect((await sim.api('POST', NOTES, note({ status: 'inbox_predefined' }))).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.status).toBe('active');
    expect(sim.state.conversations.get(1001)?.threads[0]?.status).toBe('active');
  });

  it('an imported note without status leaves the conversation status alone', async () => {
    const sim = await startTestSimulator();
    expect((await sim.api('POST', NOTES, note())).status).toBe(201);
    expect(sim.state.conversations.get(1001)?.status).toBe('active');
  });

  it('"user" must be a known user id number', async () => {
    const sim = await startTestSimulator();
    const unknown = await sim.api('POST', NOTES, note({ user: 999 }));
    expect(unknown.status).toBe(400);
    expect((await vndError(unknown))._embedded.errors[0]).toMatchObject({ path: 'user', message: 'Invalid identifier', rejectedValue: 999 });
    const notANumber = await sim.api('POST', NOTES, note({ user: 'ada' }));
    expect((await vndError(notANumber))._embedded.errors[0]).toMatchObject({ path: 'user', message: 'Invalid number' });
  });

  it('attachments need fileName, mimeType and Base64 data', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', NOTES, note({ attachments: [{ data: 'not base64!' }] }));
    expect(response.status).toBe(400);
    const paths = (await vndError(response))._embedded.errors.map((e) => e.path);
    expect(paths).toEqual(['attachments[0].fileName', 'attachments[0].mimeType', 'attachments[0].data']);
  });

  it('an attachment whose decoded size is above maxAttachmentBytes → 400', async () => {
    const sim = await startTestSimulator({ rateLimit: null, maxAttachmentBytes: 10, conversations: [{ id: 1001 }] });
    const data = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64');
    const ok = await sim.api('POST', NOTES, note({ attachments: [{ fileName: 'a', mimeType: 'text/plain', data: data(10) }] }));
    expect(ok.status).toBe(201);
    const big = await sim.api('POST', NOTES, note({ attachments: [{ fileName: 'a', mimeType: 'text/plain', data: data(11) }] }));
    expect(big.status).toBe(400);
    expect((await vndError(big))._embedded.errors[0]).toMatchObject({ path: 'attachments[0].data' });
  });

  it('every field error is listed in one 400', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', NOTES, { createdAt: 'yesterday', status: 'x', user: 0 });
    expect((await vndError(response))._embedded.errors.map((e) => e.path)).toEqual(['text', 'createdAt', 'status', 'user']);
  });

  it('an unknown conversation → 404 vnd.error', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', '/v2/conversations/4242/notes', note());
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/vnd.error+json');
  });

  it('"When a conversation is merged … it is no longer accessible using the old ID … This request will return a HTTP 404"', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 1 }, { id: 2, mergedInto: 1 }] });
    const response = await sim.api('POST', '/v2/conversations/2/notes', note());
    expect(response.status).toBe(404);
    expect(sim.state.conversations.get(1)?.threads).toHaveLength(0);
  });

  it('"add a thread to a conversation that has 99 threads or more, the API will return HTTP 412"', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 98, threads: 98 }, { id: 99, threads: 99 }] });
    expect((await sim.api('POST', '/v2/conversations/98/notes', note())).status).toBe(201);
    const full = await sim.api('POST', '/v2/conversations/98/notes', note());
    expect(full.status).toBe(412);
    expect((await vndError(full)).message).toBe('Locked conversation - maximum number of threads');
    expect((await sim.api('POST', '/v2/conversations/99/notes', note())).status).toBe(412);
    expect(sim.state.conversations.get(98)?.threads).toHaveLength(99);
  });

  it('"Company policy can prevent old conversations to be updated" → 412 "Locked conversation - too old"', async () => {
    const sim = await startTestSimulator({ rateLimit: null, conversations: [{ id: 7, threads: 1, tooOld: true }] });
    const response = await sim.api('POST', '/v2/conversations/7/notes', note());
    expect(response.status).toBe(412);
    expect((await vndError(response)).message).toBe('Locked conversation - too old');
    // Told apart from the thread cap by GET: the conversation is far from full.
    expect(((await (await sim.api('GET', '/v2/conversations/7')).json()) as { threads: number }).threads).toBe(1);
  });

  it('JSON only: another content type → 415, nothing stored', async () => {
    const sim = await startTestSimulator();
    const response = await sim.api('POST', NOTES, 'text=hi', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(sim.state.conversations.get(1001)?.threads).toHaveLength(0);
  });

  it('malformed JSON → 400 "Error parsing request body into JSON"', async () => {
    const sim = await startTestSimulator();
    for (const body of ['{"text": "hi"', '[1,2]', 'null', '']) {
      const response = await sim.api('POST', NOTES, body, { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      const error = await vndError(response);
      expect(error.message).toBe('Error parsing request body into JSON');
      expect(error._embedded.errors).toEqual([]);
    }
  });
});
