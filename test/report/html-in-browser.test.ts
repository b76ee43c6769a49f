import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planImport, type PlanResult } from '../../src/pipeline/plan-import.ts';
import { RateWindowRecorder } from '../../src/pipeline/rate-windows.ts';
import { runImport, type RunResult } from '../../src/pipeline/run-import.ts';
import { writePlanReport } from '../../src/report/plan-report.ts';
import { writeRunReport } from '../../src/report/run-report.ts';
import { writeVerifyReport } from '../../src/report/verify-report.ts';
import { verifyImport, type VerifyResult } from '../../src/verify/verify-import.ts';
import { ENV, importEnv, type ImportEnv, type NoteRow } from '../helpers/import-env.ts';
import { control } from '../verify/helpers.ts';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it): nothing is downloaded at run time. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Tickets of 1 to 150 notes (one past the 100-thread limit), twenty days apart: two years of months. */
function rows(): NoteRow[] {
  const sizes = [1, 2, 3, 4, 7, 12, 25, 60, 150];
  const out: NoteRow[] = [];
  const base = Date.UTC(2021, 0, 3) / 1000;
  for (let t = 0; t < 36; t++) {
    const per = sizes[t % sizes.length] ?? 1;
    for (let n = 0; n < per; n++) {
      out.push({
        ticket: `T${t}`,
        id: String(n),
        createdAt: new Date((base + t * 20 * 86_400 + n * 60) * 1000).toISOString().replace('.000Z', 'Z'),
        text: `body of T${t} note ${n} <b>&amp;</b>`,
        customerEmail: `customer${t}@example.com`,
        subject: `Ticket ${t}`,
        ...(t % 4 === 0 ? { authorEmail: `ghost${t % 3}@example.com` } : t % 4 === 1 ? { authorEmail: 'ada@example.com' } : {}),
      });
    }
  }
  out.push({ ticket: 'BAD1', id: '1', createdAt: 'yesterday', text: 'no date', customerEmail: 'x@example.com', subject: 'Bad' });
  out.push({ ticket: 'BAD2', id: '1', createdAt: 'soon', text: 'no date <script>alert(1)</script>', customerEmail: 'x@example.com', subject: 'Bad' });
  out.push({ ticket: 'GONE', id: '1', createdAt: '2022-02-02T10:00:00Z', text: 'lost', conversation: 999 });
  return out;
}

interface Opened {
  readonly errors: string[];
  readonly marks: Record<string, { marks: number; declared: number; rows: number; labelled: boolean }>;
  readonly markers: number;
  readonly ms: number;
}

let browser: Browser | undefined;
let env: ImportEnv;
let shots: string;
let plan: PlanResult;
let run: RunResult;
let verify: VerifyResult;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the HTML reports are checked in a real browser. Install Debian's chromium (sudo apt-get install -y chromium; .ci/run does it when missing).`);
  }
  env = await importEnv(rows(), { conversations: [] });
  shots = join(env.dir, 'screenshots');
  mkdirSync(shots);
  plan = await planImport(env.config);
  writePlanReport(env.config.reports, plan);
  run = await runImport(env.config, { env: ENV });
  writeRunReport(env.config.reports, run);
  // One note gone from Help Scout and one there twice: verify.html lists both.
  const held = [...env.sim.state.conversations.values()].find((c) => c.threads.length >= 2);
  if (!held) throw new Error('no conversation with two threads');
  const [gone, twice] = held.threads;
  await control(env, 'delete-thread', { conversation: held.id, thread: gone?.id });
  await control(env, 'copy-thread', { conversation: held.id, thread: twice?.id });
  verify = await verifyImport(env.config, { env: ENV });
  writeVerifyReport(env.config.reports, verify);
  browser = await launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, `--user-data-dir=${mkdtempSync(join(env.dir, 'chromium-'))}`] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  // beforeAll failed before there was anything to clean (no chromium): its error is the one to read.
  if ((env as ImportEnv | undefined) === undefined) return;
  // The screenshots live in the test's temp folder; HS_IMPORT_KEEP_SCREENSHOTS names a folder to copy them to for a look.
  const keep = process.env.HS_IMPORT_KEEP_SCREENSHOTS;
  if (keep !== undefined && existsSync(shots)) {
    mkdirSync(keep, { recursive: true });
    for (const name of readdirSync(shots)) copyFileSync(join(shots, name), join(keep, name));
  }
  await env.close();
});

/** Opens a report from its file, as a reader would, and reads back what it drew. */
async function open(path: string, shot: string): Promise<Opened> {
  if (!browser) throw new Error('no browser');
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${String(e)}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) errors.push(`network request: ${r.url()}`);
  });
  await page.setViewport({ width: 1100, height: 900 });
  const started = performance.now();
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  const ms = performance.now() - started;
  // A string: the page's DOM types are not in this project's lib (no "dom").
  const { marks, markers } = (await page.evaluate(`(() => {
    const out = {};
    for (const figure of document.querySelectorAll('figure.chart')) {
      const svg = figure.querySelector('svg');
      out[figure.id] = {
        marks: figure.querySelectorAll('svg .mark').length,
        declared: Number(figure.getAttribute('data-marks')),
        rows: figure.querySelectorAll('details tbody tr').length,
        labelled: svg?.getAttribute('role') === 'img' && (svg.querySelector('title')?.textContent ?? '') !== '' && (svg.querySelector('desc')?.textContent ?? '') !== '',
      };
    }
    return { marks: out, markers: document.querySelectorAll('svg .marker').length };
  })()`)) as Pick<Opened, 'marks' | 'markers'>;
  await page.screenshot({ path: join(shots, shot), fullPage: true });
  await page.close();
  return { errors, marks, markers, ms };
}

function expectCharts(opened: Opened, expected: Record<string, number>): void {
  expect(opened.errors).toEqual([]);
  expect(Object.keys(opened.marks).sort()).toEqual(Object.keys(expected).sort());
  for (const [id, count] of Object.entries(expected)) {
    const chart = opened.marks[id];
    expect(chart, id).toEqual({ marks: count, declared: count, rows: count, labelled: true });
  }
  expect(opened.ms).toBeLessThan(3000);
}

describe('HTML reports in headless Chromium', () => {
  it('plan.html: every chart has a mark per bucket, no console error, no network, text alternatives', async () => {
    const path = join(env.config.reports, 'plan.html');
    const opened = await open(path, 'plan.png');
    const reasons = new Set([...plan.rejects, ...plan.plannedRejects].map((r) => r.reason));
    expect(plan.notesPerConversation?.filter((b) => b.count > 0).length).toBe(8);
    expect(plan.timeline?.unit).toBe('month');
    expectCharts(opened, {
      'notes-per-conversation': plan.notesPerConversation?.length ?? -1,
      timeline: plan.timeline?.buckets.length ?? -1,
      'duration-by-plan': 4,
      'largest-conversations': plan.largestLanes.length,
      'rejects-by-reason': reasons.size,
    });
    const html = readFileSync(path, 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('ghost0@example.com');
    expect(existsSync(join(shots, 'plan.png'))).toBe(true);
  });

  it('run.html: rate windows, 429 markers and notes over time from what the run recorded; links to rejects.csv and id-map.csv', async () => {
    const path = join(env.config.reports, 'run.html');
    const windows = run.rateWindows;
    expect(windows?.use.requests).toBe(run.requests.requests);
    expect(existsSync(`${env.config.checkpoint}.windows.json`)).toBe(true);
    const opened = await open(path, 'run.png');
    expectCharts(opened, {
      'rate-windows': windows?.points.length ?? -1,
      'notes-over-time': windows?.points.length ?? -1,
      conversations: 5,
      'rejects-by-reason': new Set(run.rejects.map((r) => r.reason)).size,
    });
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('href="rejects.csv"');
    expect(html).toContain('href="id-map.csv"');
  });

  it('run.html of a long run with 429s: one bar per recorded window, a marker per window with 429s, the budget line', async () => {
    // Forty-five 60 s windows of a 200-unit budget, fed to the recorder as a run would.
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    const recorder = new RateWindowRecorder({ windowMs: 60_000, budget: 200, now: () => now });
    let notes = 0;
    for (let w = 0; w < 45; w++) {
      const units = w === 0 ? 60 : w === 44 ? 30 : w === 7 ? 150 : w === 20 ? 204 : 198 + (w % 3);
      for (let u = 0; u < units; u += 2) {
        now = Date.UTC(2026, 0, 5, 9, w, 0) + u * 100;
        recorder.request({ method: 'POST', status: 201 });
        recorder.notesDone(++notes);
      }
      if (w === 7 || w === 30) recorder.request({ method: 'POST', status: 429 });
    }
    const series = recorder.snapshot();
    const dir = join(env.dir, 'long');
    writeRunReport(dir, { ...run, rateWindows: series, landed: () => [] });
    const opened = await open(join(dir, 'run.html'), 'run-long.png');
    expect(series.points).toHaveLength(45);
    expect(opened.marks['rate-windows']).toEqual({ marks: 45, declared: 45, rows: 45, labelled: true });
    expect(opened.marks['notes-over-time']?.marks).toBe(45);
    expect(opened.markers).toBe(series.points.filter((p) => p.rateLimited > 0).length);
    expect(opened.markers).toBe(2);
    expect(opened.errors).toEqual([]);
    expect(readFileSync(join(dir, 'run.md'), 'utf8')).toContain('1 window over budget');
  });

  it('verify.html: found, missing, duplicated with the lists', async () => {
    const opened = await open(join(env.config.reports, 'verify.html'), 'verify.png');
    expect(verify.ok).toBe(false);
    expect(verify.notes).toMatchObject({ missing: 1, duplicated: 1 });
    expectCharts(opened, { verdicts: 4 });
    const html = readFileSync(join(env.config.reports, 'verify.html'), 'utf8');
    expect(html).toContain('<h2>Missing (1)</h2>');
    expect(html).toContain('<h2>Duplicated (1)</h2>');
    expect(html).toContain(`>${[...verify.missing()][0]?.key ?? '?'}<`);
    expect(statSync(join(env.config.reports, 'verify.html')).size).toBeLessThan(200_000);
  });
});

