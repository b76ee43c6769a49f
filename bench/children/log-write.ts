/**
 * `node --import tsx bench/children/log-write.ts <checkpoint.jsonl> <scratch.jsonl>`: what
 * serialising and writing a finished run's checkpoint cost, without the requests around it:
 * every event of the log appended again, in order, through the product's own LogWriter with
 * fsync off (fsync is measured apart, by a run with it off). Prints one JSON line.
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
const started = performance.now();
const writer = new LogWriter(scratch, { sync: false });
for (const event of events) writer.append(event);
writer.close();
const appendMs = performance.now() - started;
rmSync(scratch, { force: true });
process.stdout.write(JSON.stringify({ events: events.length, appendMs }) + '\n');
