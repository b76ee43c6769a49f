import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFreshdeskSim } from '../../src/source-simulators/freshdesk.ts';
import { startIntercomSim } from '../../src/source-simulators/intercom.ts';
import type { RecordedSimRequest, SourceSim } from '../../src/source-simulators/sim-server.ts';
import { startZendeskSim } from '../../src/source-simulators/zendesk.ts';
import { runChild, type Measured } from '../lib/children.ts';
import { framesText, mainProfile, topFrames } from '../lib/cpu-profile.ts';
import { dataPath, REPO_DIR } from '../lib/data-dir.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { runDir } from '../lib/import-setup.ts';
import { label } from '../lib/measure.ts';
import { runNode, type ChildResult } from '../lib/proc.ts';
import { median } from '../lib/stats.ts';
import type { Sizes } from '../lib/sizes.ts';

/** The issue's 100k tickets × 5 messages (500k); 5k in --quick. */
const FULL_TICKETS = 100_000;
const QUICK_TICKETS = 5_000;
/** Per-ticket requests in flight in the baseline: the simulator's ceiling on 2 cores is reached well before. */
const PAGER_CONCURRENCY = 8;
/** A budget no walk spends: the bench measures the exporter, not its waiting. */
const GENEROUS = { requests: 1_000_000_000, windowMs: 60_000 };

type Platform = 'zendesk' | 'freshdesk' | 'intercom';

/** What `hs-import export` needs to reach one seeded simulator, and what it must export. */
interface Seeded {
  readonly sim: SourceSim;
  readonly apiUrl: string;
  readonly authorization: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tickets: number;
  readonly messages: number;
  /** The API's floor of requests per ticket for this data, and why. */
  readonly floor: { readonly perTicket: number; readonly why: string };
  close(): Promise<void>;
}

interface ExportJson {
  readonly finished: boolean;
  readonly tickets: number;
  readonly messages: number;
  readonly requests: number;
  readonly count429: number;
  readonly waits: number;
  readonly retries: number;
  readonly durationMs: number;
  readonly warnings: readonly string[];
}

interface PagerOut {
  readonly tickets: number;
  readonly requests: number;
  readonly ms: number;
}

const mb = (child: ChildResult): string => child.peakRssMb?.toFixed(0) ?? 'n/a';
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/**
 * Zendesk: ticket i has 1 + (i mod 9) comments (5 on average), no files. The floor: one List
 * Comments per ticket (≤ 100 comments a page) plus one incremental page per 1,000 tickets.
 */
async function zendesk(tickets: number): Promise<Seeded> {
  const email = 'bench@acme.example';
  const token = 'bench-zendesk-token';
  const sim = await startZendeskSim({ email, token, tickets, commentsPerTicket: 9, fileEvery: 0, inlineEvery: 0, limit: GENEROUS, incrementalLimit: GENEROUS });
  const pages = Math.ceil(tickets / 1000);
  return {
    sim: sim.server,
    apiUrl: sim.apiUrl,
    authorization: sim.authorization,
    // The simulator's incremental cap is as generous as its account budget: the exporter is told so, as an account with a higher cap would tell it.
    env: { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: email, ZENDESK_API_TOKEN: token, ZENDESK_INCREMENTAL_PER_MINUTE: String(GENEROUS.requests) },
    tickets,
    messages: sim.tickets.reduce((n, t) => n + t.comments.length, 0),
    floor: {
      perTicket: (tickets + pages) / tickets,
      why: `Zendesk's floor: comments are not in the incremental ticket export, so one List Comments a ticket (≤ 100 comments a page) + one incremental page per 1,000 tickets (${pages} pages; the simulator's incremental cap, like its account budget, is one no walk spends, and ZENDESK_INCREMENTAL_PER_MINUTE tells the exporter so: at the documented 10 a minute, ${pages} pages alone take ${Math.ceil(pages / 10)} min)`,
    },
    close: () => sim.close(),
  };
}

/**
 * Freshdesk: ticket i has a description and i mod 9 conversations (5 messages on average), no
 * files, one ticket a second of `updated_at`. The floor: conversations are in no list, so one
 * List Conversations a ticket; the list walk re-asks from the last ticket's second, so a page of
 * 100 brings 99 new tickets.
 */
async function freshdesk(tickets: number): Promise<Seeded> {
  const apiKey = 'bench-freshdesk-key';
  const sim = await startFreshdeskSim({ apiKey, seed: { tickets, conversations: (i) => i % 9, attachmentEvery: 0, inlineImageEvery: 0 }, limit: GENEROUS });
  const listPages = Math.ceil((tickets - 1) / 99);
  return {
    sim: sim.server,
    apiUrl: sim.apiUrl,
    authorization: `Basic ${Buffer.from(`${apiKey}:X`).toString('base64')}`,
    env: { FRESHDESK_DOMAIN: 'acme', FRESHDESK_API_KEY: apiKey },
    tickets,
    messages: sim.messages().length,
    floor: {
      perTicket: (tickets + Math.ceil(tickets / 100)) / tickets,
      why: `Freshdesk's floor: the ticket list carries no conversations and View Ticket's include=conversations shows only 10, so one List Conversations a ticket + one list page per 100 tickets; the walk's list pages overlap by one tie (${listPages} pages of 99 new) to stay correct past the 300-page cap`,
    },
    close: () => sim.close(),
  };
}

/**
 * Intercom: conversation i has i mod 12 parts after its first message (≈ 5 messages with a body on
 * average, the rest events), no files; two conversations in three have a contact of their own. The
 * floor: search pages of 150 carry no parts, so one Retrieve Conversation each; plus each contact
 * once (its name and email are not in the conversation).
 */
async function intercom(tickets: number): Promise<Seeded> {
  const token = 'bench-intercom-token';
  const sim = await startIntercomSim({ token, conversations: tickets, partsPerConversation: 12, fileEvery: 0, inlineEvery: 0, limit: { requests: GENEROUS.requests, windowMs: 10_000 } });
  const messages = sim.conversations.reduce((n, c) => n + 1 + c.parts.filter((p) => p.body !== null || p.attachments.length > 0).length, 0);
  const contacts = sim.contacts.size;
  return {
    sim: sim.server,
    apiUrl: sim.url,
    authorization: sim.authorization,
    env: { INTERCOM_TOKEN: token },
    tickets,
    messages,
    floor: {
      perTicket: (tickets + Math.ceil(tickets / 150) + contacts) / tickets,
      why: `Intercom's floor: search pages of 150 carry no parts, so one Retrieve Conversation each + one search page per 150 + one Retrieve Contact per distinct contact (${contacts} for ${tickets} conversations); listing every contact of the workspace 150 a page would cost fewer requests only when nearly all of them are named`,
    },
    close: () => sim.close(),
  };
}

const SEEDERS: Readonly<Record<Platform, (tickets: number) => Promise<Seeded>>> = { zendesk, freshdesk, intercom };

/** Every request the simulator saw since `from`, as `METHOD path?query`, in an order-free digest. */
function requestDigest(sim: SourceSim): { count: number; digest: string; bad: number } {
  const requests = sim.requests as RecordedSimRequest[];
  const lines = requests.map((r) => `${r.method} ${r.url}`).sort();
  const bad = requests.filter((r) => r.status !== 200).length;
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  // The simulator keeps every request it saw: dropped between sides, so a long run does not grow.
  requests.length = 0;
  return { count: lines.length, digest, bad };
}

/** `hs-import export` as shipped (dist), in a child measured from outside; returns its export.json. */
async function exportCommand(platform: Platform, seeded: Seeded, out: string, nodeArgs: readonly string[] = []): Promise<Measured<ExportJson>> {
  const child = await runNode([...nodeArgs, join(REPO_DIR, 'dist', 'cli', 'main.js'), 'export', '--from', platform, '--out', out, '--api-url', seeded.apiUrl], {
    env: { ...process.env, ...seeded.env },
    timeoutMs: 3_600_000,
  });
  if (child.code !== 0) throw new Error(`hs-import export --from ${platform} exited ${String(child.code)}: ${child.stderr.slice(-1500)}`);
  return { out: JSON.parse(readFileSync(join(out, 'export.json'), 'utf8')) as ExportJson, child };
}

/**
 * Figure 13 (issue 19): `hs-import export` from each platform's simulator (in this process, budget
 * generous), 100k tickets × 5 messages (5k in --quick). 12a–c: tickets/s of the real CLI (dist, in a
 * child, wall time from outside) vs a bare undici child requesting exactly the same URLs (checked:
 * the simulator's request logs of both sides are the same multiset) in the same run, alternating
 * rounds, medians compared; peak RSS from outside; requests per ticket from export.json against the
 * API's floor.
 */
export async function exportFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const quick = sizes.label === 'quick';
  const tickets = quick ? QUICK_TICKETS : FULL_TICKETS;
  const rounds = quick ? 3 : 1;
  execFileSync(process.execPath, [join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_DIR, 'tsconfig.build.json')], { stdio: 'inherit' });
  const figures: Figure[] = [];
  // BENCH_EXPORT_ONLY=intercom (comma-separated) measures some platforms only, e.g. one at full size.
  const only = process.env.BENCH_EXPORT_ONLY?.split(',').map((p) => p.trim());
  const platforms = (['zendesk', 'freshdesk', 'intercom'] as const).filter((p) => only === undefined || only.includes(p));
  for (const platform of platforms) {
    const letter = { zendesk: 'a', freshdesk: 'b', intercom: 'c' }[platform];
    figures.push(...(await onePlatform(platform, letter, tickets, rounds, log)));
  }
  return figures;
}

async function onePlatform(platform: Platform, letter: string, tickets: number, rounds: number, log: (line: string) => void): Promise<Figure[]> {
  const seedStarted = performance.now();
  const seeded = await SEEDERS[platform](tickets);
  try {
    log(`${platform}: seeded ${seeded.tickets} tickets, ${seeded.messages} messages in ${seconds(performance.now() - seedStarted)} s`);
    const ours: Measured<ExportJson>[] = [];
    const bare: Measured<PagerOut>[] = [];
    const digests = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
        requestDigest(seeded.sim);
        if (side === 'ours') {
          const measured = await exportCommand(platform, seeded, runDir(`export-${platform}`));
          const r = measured.out;
          if (!r.finished || r.tickets !== seeded.tickets || r.messages !== seeded.messages || r.warnings.length > 0) {
            throw new Error(`export --from ${platform}: ${JSON.stringify({ ...r, warnings: r.warnings.slice(0, 3) })} (expected ${seeded.tickets} tickets, ${seeded.messages} messages)`);
          }
          ours.push(measured);
        } else {
          const measured = await runChild<PagerOut>('export-pager', [platform, seeded.apiUrl, String(PAGER_CONCURRENCY)], { env: { ...process.env, EXPORT_PAGER_AUTHORIZATION: seeded.authorization } });
          if (measured.out.tickets !== seeded.tickets) throw new Error(`baseline (${platform}) listed ${measured.out.tickets} of ${seeded.tickets} tickets`);
          bare.push(measured);
        }
        const seen = requestDigest(seeded.sim);
        if (seen.bad > 0) throw new Error(`${side} (${platform}): ${seen.bad} of ${seen.count} requests not answered 200`);
        digests.add(`${seen.count}:${seen.digest}`);
      }
    }
    if (digests.size !== 1) throw new Error(`${platform}: the export and the baseline did not request the same URLs: ${[...digests].join(' vs ')}`);
    const oursMs = ours.map((m) => m.child.wallMs);
    const bareMs = bare.map((m) => m.out.ms);
    const list = (ms: readonly number[]): string => ms.map((m) => m.toFixed(0)).join(', ');
    const last = ours.at(-1)?.out;
    if (last === undefined) throw new Error('no round measured');
    const peak = Math.max(...ours.map((m) => m.child.peakRssMb ?? Number.NaN));
    const perTicket = last.requests / last.tickets;
    log(
      `${platform} ${label(tickets)}: export ${list(oursMs)} ms wall (walk ${list(ours.map((m) => m.out.durationMs))} ms; peak RSS ${ours.map((m) => mb(m.child)).join(', ')} MB; ${ours.map((m) => m.child.cpuSeconds?.toFixed(1) ?? 'n/a').join(', ')} s CPU); ` +
        `bare undici ${list(bareMs)} ms (${bare.map((m) => m.child.cpuSeconds?.toFixed(1) ?? 'n/a').join(', ')} s CPU); ${last.requests} requests, same URLs both sides (${[...digests].join('')})`,
    );
    const perSecond = (ms: number): number => seeded.tickets / (ms / 1000);
    // Below the goal: where the time goes, from one more export under --cpu-prof (sync syscalls such as fsync count as the frame that made them).
    let profile = '';
    if (median(bareMs) / median(oursMs) < 0.8) {
      const dir = dataPath('profiles', `export-${platform}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const profiled = await exportCommand(platform, seeded, runDir(`export-${platform}-profiled`), ['--cpu-prof', '--cpu-prof-dir', dir]);
      requestDigest(seeded.sim);
      const file = mainProfile(dir);
      profile = file === undefined ? '; profile: none written' : `; profile (${(profiled.child.wallMs / 1000).toFixed(1)} s wall, ${profiled.child.cpuSeconds?.toFixed(1) ?? 'n/a'} s CPU) ${file}: ${framesText(topFrames(file, 6))}`;
      log(`${platform}${profile}`);
    }
    const n = label(tickets);
    return [
      figure({
        figure: `13${letter}1 export ${platform} ${n} tickets`,
        value: perSecond(median(oursMs)),
        baseline: perSecond(median(bareMs)),
        unit: 'tickets/s',
        goal: { on: 'ratio', atLeast: 0.8 },
        note:
          `${seeded.messages} messages, ${(seeded.messages / seeded.tickets).toFixed(2)} a ticket (messages/s = tickets/s × that); median of ${rounds} round(s), alternating: hs-import export (dist, child, wall from outside incl. node start; walk alone ${list(ours.map((m) => m.out.durationMs))} ms) ${list(oursMs)} ms ` +
          `vs bare undici child (same URLs, checked on the simulator's log; ${PAGER_CONCURRENCY} per-ticket requests in flight, bodies discarded, no files; its own first-request-to-last-answer time) ${list(bareMs)} ms; simulator in the bench process, budget generous (${last.count429} × 429, ${last.waits} waits)${profile}`,
      }),
      figure({ figure: `13${letter}2 export ${platform} ${n} peak RSS`, value: peak, unit: 'MB', goal: { on: 'value', atMost: 256 }, note: `highest of ${rounds} round(s), measured from outside (${ours[0]?.child.rssSource ?? 'none'}); bare undici peaked at ${bare.map((m) => mb(m.child)).join(', ')} MB` }),
      figure({
        figure: `13${letter}3 export ${platform} requests per ticket`,
        value: perTicket,
        baseline: seeded.floor.perTicket,
        unit: 'requests/ticket',
        goal: { on: 'none' },
        note: `export.json: ${last.requests} requests for ${last.tickets} tickets (${last.retries} retries); baseline = ${seeded.floor.why}`,
      }),
    ];
  } finally {
    await seeded.close();
  }
}
