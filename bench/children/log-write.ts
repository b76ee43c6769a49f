/**
 * `node --import tsx bench/children/log-write.ts <checkpoint.jsonl> <scratch.jsonl>`: what writing
 * the checkpoint cost a finished run, without the requests around it. Every event of the run's
 * log is appended again, in order, through the product's own LogWriter with fsync off (the
 * serialising and the write syscalls); then the cost of one fdatasync is measured on the same
 * disk, since the run syncs at most every `syncIntervalMs` (200 ms) and a replay this fast would
 * sync far less often than the run did. Prints one JSON line.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { CheckpointEvent } from '../../src/checkpoint/events.ts';
import { LogWriter } from '../../src/checkpoint/log-writer.ts';

const [source, scratch] = process.argv.slice(2);
if (source === undefined || scratch === undefined) throw new Error('usage: children/log-write.ts <log> <scratch>');
const events = readFileSync(source, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as CheckpointEvent);
rmSync(scratch, { force: true });

let started = performance.now();
const writer = new LogWriter(scratch, { sync: false });
for (const event of events) writer.append(event);
writer.close();
const appendMs = performance.now() - started;

// syncIntervalMs 0: every append syncs; the difference to a plain append is the fsync.
const SYNCS = 40;
const syncing = new LogWriter(scratch, { syncIntervalMs: 0 });
const sample = events[events.length - 1] ?? events[0];
started = performance.now();
for (let i = 0; i < SYNCS && sample; i++) syncing.append(sample);
const syncMs = (performance.now() - started) / SYNCS;
syncing.close();
rmSync(scratch, { force: true });
process.stdout.write(JSON.stringify({ events: events.length, appendMs, syncMs }) + '\n');
