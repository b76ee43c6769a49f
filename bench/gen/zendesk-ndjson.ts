import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { BlockWriter, cached, dataPath } from '../lib/data-dir.ts';
import { intBetween, itemSeed, mulberry32, normal, pick, type Rng } from '../lib/prng.ts';
import { noteBody, personName, subjectLine } from '../lib/text.ts';

/**
 * A Zendesk Admin Center JSON export as the public consumers read it (research/export-formats.md):
 * NDJSON, one ticket a line, `comments[]` embedded with `body`/`html_body`/`plain_body`,
 * requester/submitter/assignee objects embedded, other authors as bare `author_id`s (named by a
 * users CSV), `description` repeating comment 1, and the Help Scout conversation in a custom field.
 */
export interface ZendeskSpec {
  readonly name: string;
  readonly seed: number;
  readonly tickets: number;
  /** Share of tickets whose custom field names an existing Help Scout conversation. */
  readonly existingShare: number;
}

export interface ZendeskData {
  readonly ndjson: string;
  readonly users: string;
  readonly tickets: number;
  readonly comments: number;
  readonly bytes: number;
}

/** The custom field holding the Help Scout conversation id (`source.conversationField`). */
export const CONVERSATION_FIELD_ID = 360_001_234_567;
const AGENTS = 40;
const FIRST_AGENT = 900_000_000_001;
const NOW_SECONDS = Date.UTC(2025, 0, 1) / 1000;

export function zendeskNdjson(spec: ZendeskSpec): ZendeskData & { readonly fresh: boolean } {
  const ndjson = dataPath(`${spec.name}.ndjson`);
  const users = dataPath(`${spec.name}.users.csv`);
  return cached(dataPath(`${spec.name}.meta.json`), spec, [ndjson, users], () => generate(spec, ndjson, users));
}

/** Comments per ticket: log-normal, median 3, mean ≈ 4, 1..250. */
function commentCount(rng: Rng): number {
  return Math.min(250, Math.max(1, Math.round(Math.exp(Math.log(3) + 0.75 * normal(rng)))));
}

function iso(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}

function generate(spec: ZendeskSpec, ndjsonPath: string, usersPath: string): ZendeskData {
  const agents = Array.from({ length: AGENTS }, (_, i) => {
    const rng = mulberry32(itemSeed(spec.seed ^ 0xa9e7, i));
    return { id: FIRST_AGENT + i, name: personName(rng), email: `agent${i}@support.example.com` };
  });
  writeFileSync(usersPath, 'id,name,email\n' + agents.map((a) => `${a.id},${a.name},${a.email}`).join('\n') + '\n');

  const fd = openSync(ndjsonPath, 'w');
  const out = new BlockWriter((chunk) => writeSync(fd, chunk));
  let comments = 0;
  for (let t = 0; t < spec.tickets; t++) {
    const rng = mulberry32(itemSeed(spec.seed, t));
    const id = 1_000 + t;
    const requester = { id: 500_000_000_000 + t, name: personName(rng), email: `customer${id}@example.com` };
    const assignee = pick(rng, agents);
    const count = commentCount(rng);
    let at = NOW_SECONDS - intBetween(rng, 30, 8 * 365) * 86_400 - intBetween(rng, 0, 86_399);
    const created = at;
    const list: object[] = [];
    for (let c = 0; c < count; c++) {
      const fromCustomer = c % 2 === 0;
      const body = noteBody(rng);
      const plain = body.html ? body.text.replace(/<[^>]+>/g, ' ').trim() : body.text;
      const html = body.html ? body.text : `<div class="zd-comment" dir="auto"><p>${plain.replaceAll('\n\n', '</p><p>')}</p></div>`;
      const author = fromCustomer ? requester.id : pick(rng, agents).id;
      list.push({
        id: 10_000_000_000 + t * 300 + c,
        type: 'Comment',
        author_id: author,
        body: plain,
        html_body: html,
        plain_body: plain,
        public: fromCustomer || rng() < 0.7,
        attachments: [],
        audit_id: 20_000_000_000 + t * 300 + c,
        via: { channel: fromCustomer ? 'email' : 'web', source: { from: {}, to: {}, rel: null } },
        created_at: iso(at),
        metadata: { system: { client: 'Mozilla/5.0', ip_address: '203.0.113.7', location: 'Berlin, BE, Germany' }, custom: {} },
      });
      at += intBetween(rng, 30, 3 * 86_400);
    }
    comments += count;
    const subject = subjectLine(rng);
    const conversation = rng() < spec.existingShare ? 2_000_000 + t : null;
    const first = list[0] as { body: string };
    const ticket = {
      url: `https://example.zendesk.com/api/v2/tickets/${id}.json`,
      id,
      external_id: null,
      via: { channel: 'email', source: { from: { address: requester.email, name: requester.name }, to: {}, rel: null } },
      created_at: iso(created),
      updated_at: iso(at),
      type: pick(rng, ['question', 'incident', 'problem', null]),
      subject,
      raw_subject: subject,
      description: first.body,
      priority: pick(rng, ['low', 'normal', 'high', null]),
      status: 'closed',
      requester_id: requester.id,
      submitter_id: requester.id,
      assignee_id: assignee.id,
      organization_id: null,
      group_id: 360_000_000_001,
      tags: ['imported', pick(rng, ['billing', 'shipping', 'login', 'bug'])],
      custom_fields: [
        { id: 360_000_000_111, value: null },
        { id: CONVERSATION_FIELD_ID, value: conversation === null ? null : String(conversation) },
      ],
      satisfaction_rating: null,
      requester,
      submitter: requester,
      assignee,
      comments: list,
    };
    out.push(JSON.stringify(ticket) + '\n');
  }
  out.flush();
  closeSync(fd);
  return { ndjson: ndjsonPath, users: usersPath, tickets: spec.tickets, comments, bytes: out.bytes };
}
