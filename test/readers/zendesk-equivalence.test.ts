import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { openReader } from '../../src/readers/index.ts';
import { readAll, sourceOf, tempDir } from './helpers.ts';
import { referenceZendeskItems } from './zendesk-reference.ts';

const FIELD = '360001';

/** Bodies that test escapes, non-ASCII (two-byte, astral, lone surrogates) and HTML that is or only looks blank. */
const HTML_BODIES = [
  '<div class="zd-comment" dir="auto"><p>Hello "there"</p></div>',
  '<div class="zd-comment"></div>',
  '<p>&nbsp;</p>',
  '<p>&NBSP;&#160;\u00a0</p>',
  '<p>&nb<b>sp;</b></p>',
  '<img src="x.png">',
  ' \n<p>9 lives</p>',
  '<p>&amp; co</p>',
  '< p>x',
  '<p',
  '<p>é</p>',
  'plain words, no tags',
  '<p>\u2003</p>',
  '',
  '   ',
];
const TEXTS = ['Line one\nline two', 'Voicemail:\\nnot a newline', 'Tab\there, quote " and backslash \\', 'Grüße, naïve café', 'It’s ▇▇ fine 😀', '中文 текст', '   ', ''];
/** JSON text written as is: escapes JSON.parse must decode (\u00e9, \/, a lone surrogate). */
const RAW_STRINGS = ['"caf\\u00e9 \\/ slash"', '"lone \\ud83d surrogate"', '"\\u20ac \\"quoted\\" \\\\ back"', '"\\t tab \\r\\n crlf"'];

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** A value as JSON text: usually JSON.stringify, sometimes escape-heavy raw text. */
function stringText(random: () => number, list: readonly string[]): string {
  return random() < 0.15 ? pick(random, RAW_STRINGS) : JSON.stringify(pick(random, list));
}

function commentText(random: () => number, t: number, c: number): string {
  const parts: string[] = [];
  const id = pick(random, [`${10_000 + t * 100 + c}`, `"${10_000 + t * 100 + c}"`, 'null', '']);
  if (id !== '') parts.push(`"id":${id}`);
  const author = pick(random, ['900', '"900"', '901', '42', '7777', 'null', '', `${500 + t}`, '"  901  "']);
  if (author !== '') parts.push(`"author_id":${author}`);
  if (random() < 0.8) parts.push(`"html_body":${stringText(random, HTML_BODIES)}`);
  if (random() < 0.8) parts.push(`"body":${stringText(random, TEXTS)}`);
  if (random() < 0.5) parts.push(`"plain_body":${stringText(random, TEXTS)}`);
  parts.push(pick(random, ['"public":true', '"public":false', '"public":"false"', '"type":"Comment"']));
  parts.push(pick(random, ['"via":{"channel":"web","source":{"from":{},"to":{},"rel":null}}', '"via":{"channel":7}', '"via":"email"', '"via":null', '"x":1']));
  parts.push(pick(random, ['"created_at":"2024-02-01T09:00:00Z"', '"created_at":1706778000', '"created_at":""', '"created_at":null', '"audit_id":1']));
  parts.push(
    pick(random, [
      '"attachments":[]',
      '"attachments":[{"file_name":"a.pdf","content_url":"https://example.zendesk.com/a.pdf","content_type":"application/pdf","size":12}]',
      '"attachments":[{"path":"missing/file.pdf","file_name":"file.pdf"}]',
      '"attachments":"not a list"',
      '"attachments":[null,5,{"deleted":true,"content_url":"https://x/y"}]',
    ]),
  );
  if (random() < 0.3) parts.push('"metadata":{"system":{"client":"Mozilla/5.0","location":"Zürich, CH"},"custom":{"deep":{"er":[1,{"est":[true,false,null,-1.5e3]}]}}}');
  // A long body now and then, so tickets cross the reader's 32 KB decode pieces and 256 KB reads.
  if (random() < 0.05) parts.push(`"long":${JSON.stringify('€ long text ✓ '.repeat(Math.floor(random() * 3000)))}`);
  for (let i = parts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
  }
  return `{${parts.join(pick(random, [',', ', ', ' ,\t']))}}`;
}

function ticketLine(random: () => number, t: number): string {
  const parts: string[] = [];
  const id = pick(random, [`${t}`, `"${t}"`, `"T-${t}"`, `${t}`, `${t}`, '""', '']);
  if (id !== '') parts.push(`"id":${id}`);
  const requester = pick(random, [
    `{"id":${500 + t},"name":"Carla ${t}","email":"c${t}@example.com"}`,
    `{"id":${500 + t},"name":null,"email":"  c${t}@example.com  "}`,
    `{"id":42,"name":"Embedded Forty-Two","email":"e42@example.com"}`,
    '"not an object"',
    '',
  ]);
  if (requester !== '') parts.push(`"requester":${requester}`);
  if (random() < 0.5) parts.push(`"submitter":{"id":${500 + t},"name":"Submitter wins? no","email":"s@example.com"}`);
  if (random() < 0.7) parts.push(`"assignee":{"id":${pick(random, ['901', '902', '"903"'])},"name":"Agent ${t % 3}"}`);
  if (random() < 0.7) parts.push(`"subject":${stringText(random, ['Printer on fire', '  ', '', 'Ünïcödé subject 😀'])}`);
  if (random() < 0.5) parts.push(`"raw_subject":${stringText(random, ['Raw subject', ''])}`);
  parts.push(pick(random, ['"via":{"channel":"email"}', '"via":{"channel":"  api  "}', '"via":[]', '"y":2']));
  parts.push(
    pick(random, [
      `"custom_fields":[{"id":1,"value":null},{"id":${FIELD},"value":"${2_000_000 + t}"}]`,
      `"custom_fields":[{"id":"${FIELD}","value":${3_000_000 + t}}]`,
      `"custom_fields":{"${FIELD}":"${4_000_000 + t}"}`,
      '"custom_fields":[]',
      '"tags":["a"]',
    ]),
  );
  parts.push(pick(random, ['"tags":["vip","Needs Review"," spaced "]', '"tags":["x",null,7,""]', '"tags":"not a list"', '"tags":[]', '"z":3']));
  parts.push(pick(random, ['"status":"new"', '"status":"open"', '"status":"pending"', '"status":"hold"', '"status":"solved"', '"status":"closed"', '"status":"Solved"', '"status":"deleted"', '"status":3', '"w":4']));
  if (random() < 0.6) parts.push(`"description":${stringText(random, TEXTS)}`);
  parts.push(pick(random, ['"created_at":"2024-01-31T08:00:00Z"', '"created_at":1706688000', '"updated_at":"x"']));
  parts.push(`"requester_id":${pick(random, [`${500 + t}`, '42', 'null'])}`);
  const shape = random();
  if (shape < 0.75) {
    const count = 1 + Math.floor(random() * 5);
    const comments = Array.from({ length: count }, (_, c) => commentText(random, t, c));
    if (random() < 0.1) comments.splice(1, 0, pick(random, ['null', '7', '"text"', '[1,2]']));
    parts.push(`"comments":[${comments.join(',')}]`);
  } else if (shape < 0.85) parts.push('"comments":[]');
  else if (shape < 0.9) parts.push('"comments":{"0":{"id":1,"body":"not a list"}}');
  return `{${parts.join(',')}}`;
}

/** Lines JSON.parse refuses or that hold no ticket: each must be the same reject, on the same line. */
const BAD_LINES = ['{"id":1,"comments":[{"id":1,"body":"truncat', '{"id":2,}', '[1,2]', 'null', '"just text"', '{}', '{"id":3} trailing', '{"id":4,"id":5,"comments":[{"id":9,"body":"duplicate keys: last wins"}]}', '\uFEFF{"id":6}', '{"id":"\\x"}', '{"id":7,"body":"raw\u0001control"}'];

function exportFile(dir: string, seed: number, tickets: number): string {
  const random = rng(seed);
  const lines: string[] = [];
  for (let t = 1; t <= tickets; t++) {
    lines.push(ticketLine(random, t));
    if (random() < 0.06) lines.push(pick(random, BAD_LINES));
    if (random() < 0.03) lines.push(pick(random, ['', '   ', '\t']));
  }
  const text = lines.map((line) => line + (random() < 0.2 ? '\r\n' : '\n')).join('');
  // One line with a byte that is no UTF-8: an invalid_encoding reject, wherever the chunks fall.
  const bytes = Buffer.concat([Buffer.from(text), Buffer.from('{"id":8,"comments":[{"id":1,"body":"bad '), Buffer.from([0xff]), Buffer.from(' byte"}]}\n')]);
  const path = join(dir, `zendesk-${seed}.ndjson`);
  writeFileSync(path, bytes);
  return path;
}

const USERS = 'id,name,email\n900,Users File Agent,agent@example.com\n901,,agent901@example.com\n42,,\n';

describe('zendesk reader, fast path against the pre-optimisation reader', () => {
  it.each([1, 2, 3])('reads random tricky NDJSON exports exactly as the reference does (seed %i)', async (seed) => {
    const dir = tempDir();
    const path = exportFile(dir, seed, 600);
    const users = join(dir, 'users.csv');
    writeFileSync(users, USERS);
    const items = await readAll(sourceOf('zendesk', path, { users, conversationField: `custom_fields.${FIELD}` }));
    const expected = await referenceZendeskItems(path, USERS, `custom_fields.${FIELD}`);
    // The data is tricky enough to mean something: notes, description notes and rejects of each kind.
    expect(expected.filter((item) => item.kind === 'note').length).toBeGreaterThan(800);
    expect(expected.some((item) => item.kind === 'note' && item.note.id === 'description')).toBe(true);
    expect(new Set(expected.flatMap((item) => (item.kind === 'reject' ? [item.reject.reason] : [])))).toEqual(new Set(['invalid_json', 'invalid_record', 'invalid_encoding']));
    const notes = expected.flatMap((item) => (item.kind === 'note' ? [item.note] : []));
    expect(new Set(notes.map((note) => note.kind))).toEqual(new Set(['customer', 'reply', 'note', undefined]));
    expect(new Set(notes.map((note) => note.ticketStatus))).toEqual(new Set(['active', 'pending', 'closed', undefined]));
    expect(notes.some((note) => note.authorEmail !== undefined && note.tags !== undefined && note.customerName !== undefined)).toBe(true);
    expect(items).toStrictEqual(expected);
  });

  it('stops reading cleanly when the consumer stops early, closing the export', async () => {
    const dir = tempDir();
    const path = exportFile(dir, 4, 400);
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const ids: string[] = [];
    for await (const item of openReader(sourceOf('zendesk', path))) {
      if (item.kind === 'note') ids.push(item.note.id);
      if (ids.length === 3) break;
    }
    // A rejection left behind by the closed input would surface here (vitest fails on unhandled ones).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids).toHaveLength(3);
    expect(openFiles()).toBe(before);
  });

  it('refuses a users file without an id column with a ConfigError, before any note', async () => {
    const dir = tempDir();
    const users = join(dir, 'users.csv');
    writeFileSync(users, 'name,email\nAlex,alex@example.com\n');
    const iterator = openReader(sourceOf('zendesk', exportFile(dir, 5, 10), { users }))[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(ConfigError);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
