/**
 * `node --import tsx bench/children/run.ts <config.json>`: one `run` (runImport, the code the CLI
 * runs) in a process of its own, so peak RSS and CPU time are measured from outside and the
 * simulator (in the parent) is not counted. Request latencies are kept in memory (the CLI's
 * --log-file would add a synchronous append per request). Prints one JSON line.
 */
import { loadConfig, runImport, type RunProgress } from '../../src/index.ts';
import { percentile } from '../lib/stats.ts';

const configPath = process.argv[2];
if (configPath === undefined) throw new Error('usage: children/run.ts <config.json>');
const config = loadConfig(configPath);
const latencies: number[] = [];
const phaseStart = new Map<RunProgress['phase'], number>();
const started = performance.now();
const result = await runImport(config, {
  // Figure 6b's baseline: the same run without fsync of the checkpoint.
  checkpointSync: process.env.BENCH_CHECKPOINT_SYNC !== '0',
  onRequest: (event) => {
    latencies.push(event.ms);
  },
  onProgress: (progress) => {
    if (!phaseStart.has(progress.phase)) phaseStart.set(progress.phase, performance.now());
  },
});
const ms = performance.now() - started;
const deliverFrom = phaseStart.get('deliver') ?? started;
const deliverTo = phaseStart.get('finish') ?? performance.now();
latencies.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    notes: result.notes,
    done: result.counts.done,
    rejected: result.counts.rejected,
    inDoubt: result.counts.inDoubt,
    requests: result.requests,
    rate: result.rate,
    creates: result.delivery.createsDone,
    ms,
    indexMs: (phaseStart.get('lookup') ?? deliverFrom) - (phaseStart.get('index') ?? started),
    deliverMs: deliverTo - deliverFrom,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxRssKb: process.resourceUsage().maxRSS,
  }) + '\n',
);
