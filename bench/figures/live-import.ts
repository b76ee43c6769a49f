import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { canonicalCsv } from '../gen/canonical-csv.ts';
import { runChild, type Measured } from '../lib/children.ts';
import { framesText, mainProfile, topFrames } from '../lib/cpu-profile.ts';
import { dataPath } from '../lib/data-dir.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
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
 * Figure 6b. A run cannot go without its log, so the baseline is built from two runs of the same
 * 10k notes: one as shipped, one with fsync of the checkpoint off (RunOptions.checkpointSync),
 * minus what serialising and writing that run's events costs (appended again through LogWriter).
 */
async function logOverhead(log: (line: string) => void): Promise<Figure> {
  const shipped = await liveRun(PROFILE_NOTES, 'log-sync');
  const unsynced = await liveRun(PROFILE_NOTES, 'log-nosync', [], { BENCH_CHECKPOINT_SYNC: '0' });
  const checkpoint = join(unsynced.dir, 'state', 'checkpoint.jsonl');
  const cost = await runChild<LogWriteOut>('log-write', [checkpoint, join(unsynced.dir, 'state', 'rewrite.jsonl')]);
  const baseline = unsynced.run.out.ms - cost.out.appendMs;
  log(`log overhead: run ${shipped.run.out.ms.toFixed(0)} ms with fsync, ${unsynced.run.out.ms.toFixed(0)} ms without; ${cost.out.events} events (${(statSync(checkpoint).size / 1e6).toFixed(1)} MB) written in ${cost.out.appendMs.toFixed(0)} ms`);
  return figure({
    figure: `6b run with the checkpoint log vs without (${PROFILE_NOTES / 1000}k notes)`,
    value: shipped.run.out.ms,
    unit: 'ms',
    baseline,
    goal: { on: 'none' },
    note: `value: the run as shipped (fsync'ed intents, group commit); baseline: the same run with checkpointSync off (${unsynced.run.out.ms.toFixed(0)} ms) minus serialising and writing its ${cost.out.events} events through LogWriter (${cost.out.appendMs.toFixed(0)} ms)`,
  });
}
