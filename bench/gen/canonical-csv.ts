import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { BlockWriter, cached, dataPath } from '../lib/data-dir.ts';
import { intBetween, itemSeed, mulberry32, normal, shuffle, type Rng } from '../lib/prng.ts';
import { noteBody, personName, subjectLine } from '../lib/text.ts';

/** A generated canonical CSV export (DESIGN §3 columns) and the Help Scout conversations it targets. */
export interface CanonicalSpec {
  /** File stem under bench/data. */
  readonly name: string;
  readonly seed: number;
  readonly notes: number;
  /** Notes per ticket: fixed, or `varied` (log-normal, mean ≈ 10, 1..250). */
  readonly perTicket: number | 'varied';
  /** Share of tickets that already have a Help Scout conversation (the rest become new ones). */
  readonly existingShare: number;
  /** Threads those conversations already hold: `few` (0..8) or `realistic` (mostly few, 2 % nearly full). */
  readonly threads: 'few' | 'realistic';
  readonly shuffle: boolean;
  /** First Help Scout conversation id (two inputs on one account use disjoint ranges). */
  readonly firstConversationId?: number;
  /** First source ticket number. */
  readonly firstTicket?: number;
  /** DESIGN §8's columns too: authorEmail, kind, tags, ticketStatus, customerName (no extra random draws: the rest of the file is the same). */
  readonly history?: boolean;
}

export interface SeedConversationOut {
  readonly id: number;
  readonly mailboxId: number;
  readonly subject: string;
  readonly customerEmail: string;
  readonly status: 'closed';
  readonly threads: number;
}

export interface CanonicalData {
  readonly csv: string;
  /** JSON array of the seed conversations (the existing tickets' targets). */
  readonly conversations: string;
  readonly notes: number;
  readonly tickets: number;
  readonly existingTickets: number;
  readonly existingNotes: number;
  readonly bytes: number;
}

const HEADER = 'ticket,id,createdAt,text,conversation,customerEmail,subject,author';
const HISTORY_HEADER = ',authorEmail,kind,tags,ticketStatus,customerName';
const STATUSES = ['closed', 'active', 'pending'] as const;
const TAGS = ['', 'billing', 'billing;vip', 'Shipping; Returns', '["api","bug report"]'] as const;

/** The history columns of note `index` of ticket `t`: customer and agents take turns; 20 agents. */
function historyCells(ticket: number, t: number, index: number, customerName: string): string {
  const customer = index % 2 === 0;
  const author = customer ? email(ticket) : `agent${(t + index) % 20}@acme.example`;
  const kind = customer ? 'customer' : index % 5 === 3 ? 'note' : 'reply';
  return `,${author},${kind},${cell(TAGS[t % TAGS.length] ?? '')},${STATUSES[t % STATUSES.length] ?? 'closed'},${customerName}`;
}
const NOW_SECONDS = Date.UTC(2025, 0, 1) / 1000;

export function canonicalCsv(spec: CanonicalSpec): CanonicalData & { readonly fresh: boolean } {
  const csv = dataPath(`${spec.name}.csv`);
  const conversations = dataPath(`${spec.name}.conversations.json`);
  return cached(dataPath(`${spec.name}.meta.json`), spec, [csv, conversations], () => generate(spec, csv, conversations));
}

function ticketSize(rng: Rng, perTicket: CanonicalSpec['perTicket']): number {
  if (perTicket !== 'varied') return perTicket;
  return Math.min(250, Math.max(1, Math.round(Math.exp(Math.log(7) + 0.8 * normal(rng)))));
}

function existingThreads(rng: Rng, kind: CanonicalSpec['threads']): number {
  if (kind === 'few') return intBetween(rng, 0, 8);
  const r = rng();
  return r < 0.85 ? intBetween(rng, 0, 8) : r < 0.98 ? intBetween(rng, 9, 40) : intBetween(rng, 90, 98);
}

function generate(spec: CanonicalSpec, csvPath: string, conversationsPath: string): CanonicalData {
  const rng = mulberry32(spec.seed);
  const firstConversation = spec.firstConversationId ?? 1;
  const firstTicket = spec.firstTicket ?? 100_000;
  // Tickets in ticket order: size, target conversation (0 = new), first message time.
  const sizes: number[] = [];
  const conversationOf: number[] = [];
  const startOf: number[] = [];
  const seedConversations: SeedConversationOut[] = [];
  let total = 0;
  let existingNotes = 0;
  while (total < spec.notes) {
    const t = sizes.length;
    const size = Math.min(ticketSize(rng, spec.perTicket), spec.notes - total);
    sizes.push(size);
    total += size;
    const start = NOW_SECONDS - intBetween(rng, 30, 8 * 365) * 86_400 - intBetween(rng, 0, 86_399);
    startOf.push(start);
    if (rng() < spec.existingShare) {
      const id = firstConversation + seedConversations.length;
      conversationOf.push(id);
      existingNotes += size;
      const trng = mulberry32(itemSeed(spec.seed ^ 0x5eed, t));
      seedConversations.push({ id, mailboxId: 1, subject: subjectLine(trng), customerEmail: email(firstTicket + t), status: 'closed', threads: existingThreads(rng, spec.threads) });
    } else {
      conversationOf.push(0);
    }
  }
  // Notes in ticket order: their ticket and instant (strictly increasing within a ticket).
  const ticketOfNote = new Int32Array(total);
  const indexInTicket = new Int32Array(total);
  const epochOfNote = new Float64Array(total);
  for (let t = 0, g = 0; t < sizes.length; t++) {
    let at = startOf[t] ?? 0;
    for (let i = 0; i < (sizes[t] ?? 0); i++, g++) {
      ticketOfNote[g] = t;
      indexInTicket[g] = i;
      epochOfNote[g] = at;
      at += intBetween(rng, 30, 3 * 86_400);
    }
  }
  const order = new Int32Array(total);
  for (let g = 0; g < total; g++) order[g] = g;
  if (spec.shuffle) shuffle(rng, order);

  const fd = openSync(csvPath, 'w');
  const out = new BlockWriter((chunk) => writeSync(fd, chunk));
  out.push(`${HEADER}${spec.history === true ? HISTORY_HEADER : ''}\n`);
  for (const g of order) {
    const t = ticketOfNote[g] ?? 0;
    const nrng = mulberry32(itemSeed(spec.seed, g));
    const subject = subjectLine(mulberry32(itemSeed(spec.seed ^ 0x5eed, t)));
    const ticket = firstTicket + t;
    const conversation = conversationOf[t] ?? 0;
    const body = noteBody(nrng);
    const author = (indexInTicket[g] ?? 0) % 2 === 0 ? personName(mulberry32(itemSeed(spec.seed ^ 0xc057, t))) : personName(nrng);
    out.push(
      [
        String(ticket),
        String(40_000_000 + g * 7 + 3),
        dateText(nrng, epochOfNote[g] ?? 0),
        cell(body.text),
        conversation === 0 ? '' : String(conversation),
        email(ticket),
        cell(subject),
        author,
      ].join(',') + (spec.history === true ? historyCells(ticket, t, indexInTicket[g] ?? 0, personName(mulberry32(itemSeed(spec.seed ^ 0xc057, t)))) : '') + '\n',
    );
  }
  out.flush();
  closeSync(fd);
  writeFileSync(conversationsPath, JSON.stringify(seedConversations));
  return {
    csv: csvPath,
    conversations: conversationsPath,
    notes: total,
    tickets: sizes.length,
    existingTickets: seedConversations.length,
    existingNotes,
    bytes: out.bytes,
  };
}

function email(ticket: number): string {
  return `customer${ticket}@example.com`;
}

function cell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Mostly ISO-8601 UTC; some with an offset, millis, epoch seconds, or zone-less (read as UTC). */
function dateText(rng: Rng, epoch: number): string {
  const r = rng();
  if (r < 0.05) return String(epoch);
  const d = new Date(epoch * 1000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (r < 0.1) return `${date} ${time}`;
  if (r < 0.2) {
    const local = new Date((epoch + 7200) * 1000);
    return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+02:00`;
  }
  if (r < 0.3) return `${date}T${time}.${pad(intBetween(rng, 0, 999), 3)}Z`;
  return `${date}T${time}Z`;
}
