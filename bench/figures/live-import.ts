import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { canonicalCsv } from '../gen/canonical-csv.ts';
import { runChild, type Measured } from '../lib/children.ts';
import { framesText, mainProfile, topFrames } from '../lib/cpu-profile.ts';
import { dataPath } from '../lib/data-dir.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { percentile } from '../lib/stats.ts';
import type { Sizes } from '../lib/sizes.ts';

interface RunOut {
  readonly notes: number;
  readonly done: number;
  readonly rejected: number;
  readonly requests: { readonly requests: number; readonly reads: number; readonly writes: number };
  readonly creates: number;
  readonly ms: number;
  readonly indexMs: number;
  readonly deliverMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface LogWriteOut {
  readonly events: number;
  readonly appendMs: number;
}

/**
 * Figure 5: an unthrottled live import (simulator without a rate limit, in this process; the
 * `run` in a child, so its CPU time and RSS are its own), and figure 6b: what its checkpoint log
 * cost it.
 */
export async function liveFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const { data, run } = await liveRun(sizes.liveNotes, 'live');
  log(`live: ${run.out.done} notes in ${(run.out.ms / 1000).toFixed(1)} s (index ${(run.out.indexMs / 1000).toFixed(1)} s, deliver ${(run.out.deliverMs / 1000).toFixed(1)} s), p50 ${run.out.p50Ms} ms, p99 ${run.out.p99Ms} ms`);
  const { out, child } = run;
  const mix = `${data.notes} notes, ${data.tickets} tickets (${data.existingTickets} into existing conversations: ${data.existingNotes} notes, one request each; the rest in ${out.creates} Create Conversation requests), concurrency 8 (default), ${out.requests.requests} requests`;
  const cpuMsPerNote = child.cpuSeconds === undefined ? Number.NaN : (child.cpuSeconds * 1000) / out.done;
  const throughput = figure({
    figure: `5a live import ${data.notes / 1000}k notes, no rate limit`,
    value: out.done / (out.ms / 1000),
    unit: 'notes/s',
    goal: { on: 'value', atLeast: 3000 },
    note: `whole run (index, lookups, plan, deliver) in ${(out.ms / 1000).toFixed(1)} s; delivery alone ${Math.round(out.done / (out.deliverMs / 1000))} notes/s; ${mix}`,
  });
  const figures: Figure[] = [
    throughput.pass ? throughput : { ...throughput, note: `${throughput.note}; where the time goes: ${await profileLive(log)}` },
    figure({ figure: '5b live import request latency p50', value: out.p50Ms, unit: 'ms', goal: { on: 'none' }, note: 'as the client saw it: from entering the rate limiter to the response (queueing in the limiter included), 1 ms resolution' }),
    figure({ figure: '5c live import request latency p99', value: out.p99Ms, unit: 'ms', goal: { on: 'none' }, note: 'as 5b' }),
    figure({
      figure: '5d live import CPU time per note',
      value: cpuMsPerNote,
      unit: 'ms/note',
      goal: { on: 'none' },
      note: `user + system CPU of the run process (${child.cpuSeconds?.toFixed(1) ?? 'n/a'} s), simulator not included`,
    }),
    figure({ figure: '5e live import peak RSS', value: child.peakRssMb ?? Number.NaN, unit: 'MB', goal: { on: 'value', atMost: 256 }, note: `measured from outside (${child.rssSource})` }),
  ];

  figures.push(await logOverhead(log));
  return figures;
}

/** One unthrottled `run` child against a fresh simulator in this process; every note must land. */
async function liveRun(notes: number, name: string, nodeArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ data: ReturnType<typeof canonicalCsv>; dir: string; run: Measured<RunOut> }> {
  const data = canonicalCsv({ name: `live-${notes}`, seed: 5, notes, perTicket: 'varied', existingShare: 0.5, threads: 'few', shuffle: true });
  const conversations = JSON.parse(readFileSync(data.conversations, 'utf8')) as SeedConversation[];
  const sim = await benchSimulator(conversations, null);
  const dir = runDir(name);
  try {
    const config = writeConfig(dir, { format: 'csv', path: data.csv }, { baseUrl: sim.url, requestsPerMinute: 100_000_000, reconcileAfterSeconds: 0 });
    const run = await runChild<RunOut>('run', [config], { env: { ...benchEnv(), ...env }, nodeArgs });
    if (run.out.done !== data.notes) throw new Error(`live import: ${run.out.done} of ${data.notes} notes done (${run.out.rejected} rejected)`);
    return { data, dir, run };
  } finally {
    await sim.close();
  }
}

/** Where a live run's time goes: a run of 10k notes of the same shape under --cpu-prof. */
async function profileLive(log: (line: string) => void): Promise<string> {
  const profiles = dataPath('profiles', 'live');
  rmSync(profiles, { recursive: true, force: true });
  mkdirSync(profiles, { recursive: true });
  await liveRun(PROFILE_NOTES, 'live-profile', ['--cpu-prof', '--cpu-prof-dir', profiles]);
  const profile = mainProfile(profiles);
  const where = profile === undefined ? 'no profile written' : `--cpu-prof of a ${PROFILE_NOTES / 1000}k-note run, ${profile}: ${framesText(topFrames(profile))}`;
  log(`5a missed its goal; ${where}`);
  return where;
}

const PROFILE_NOTES = 10_000;

/**
 * Figure 6b: what the checkpoint log costs a run. A run cannot go without its log, so "without"
 * is built from a run of the same 10k notes with fsync of the checkpoint off
 * (RunOptions.checkpointSync) minus what serialising and writing that run's events cost
 * (appended again through LogWriter, alone). Runs with and without alternate, LOG_PAIRS of each,
 * and the medians are compared: the machine's load drifts between runs.
 */
async function logOverhead(log: (line: string) => void): Promise<Figure> {
  const shipped: number[] = [];
  const unsynced: number[] = [];
  let lastUnsynced: Awaited<ReturnType<typeof liveRun>> | undefined;
  for (let pair = 0; pair < LOG_PAIRS; pair++) {
    // Either order in turn, so neither side always runs first after the other's warm-up.
    for (const sync of pair % 2 === 0 ? [true, false] : [false, true]) {
      const run = await liveRun(PROFILE_NOTES, sync ? 'log-sync' : 'log-nosync', [], sync ? {} : { BENCH_CHECKPOINT_SYNC: '0' });
      (sync ? shipped : unsynced).push(run.run.out.ms);
      if (!sync) lastUnsynced = run;
    }
  }
  if (lastUnsynced === undefined) throw new Error('log overhead: no run without fsync');
  const checkpoint = join(lastUnsynced.dir, 'state', 'checkpoint.jsonl');
  const cost = await runChild<LogWriteOut>('log-write', [checkpoint, join(lastUnsynced.dir, 'state', 'rewrite.jsonl')]);
  const withLog = median(shipped);
  const baseline = median(unsynced) - cost.out.appendMs;
  const runs = (ms: readonly number[]): string => ms.map((m) => m.toFixed(0)).join(', ');
  log(`log overhead: runs with fsync ${runs(shipped)} ms, without ${runs(unsynced)} ms; ${cost.out.events} events (${(statSync(checkpoint).size / 1e6).toFixed(1)} MB) written in ${cost.out.appendMs.toFixed(0)} ms`);
  return figure({
    figure: `6b run with the checkpoint log vs without (${PROFILE_NOTES / 1000}k notes)`,
    value: withLog,
    unit: 'ms',
    baseline,
    goal: { on: 'ratio', atMost: 1.1 },
    note: `value: median of ${LOG_PAIRS} runs as shipped (${runs(shipped)} ms: intents fdatasync'ed before their request, group commit); baseline: median of ${LOG_PAIRS} runs with checkpointSync off (${runs(unsynced)} ms), alternating with them, minus serialising and writing their ${cost.out.events} events through LogWriter (${cost.out.appendMs.toFixed(0)} ms)`,
  });
}

/** Runs of each side in figure 6b. */
const LOG_PAIRS = 5;

const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 0.5);
