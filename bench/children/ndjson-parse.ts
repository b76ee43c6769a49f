/**
 * A baseline of figure 2: bare line splitting and JSON.parse of the same NDJSON export, counting
 * comments. Prints one JSON line: tickets, comments, ms.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: children/ndjson-parse.ts <file.ndjson>');
const started = performance.now();
let tickets = 0;
let comments = 0;
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line === '') continue;
  const ticket = JSON.parse(line) as { comments?: unknown[] };
  tickets++;
  comments += ticket.comments?.length ?? 0;
}
process.stdout.write(JSON.stringify({ tickets, comments, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
