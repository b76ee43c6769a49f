/**
 * The baseline of figure 1: bare csv-parse (`columns: true`) over the same file, counting
 * records and nothing else. Prints one JSON line: rows, ms.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: children/csv-parse.ts <file.csv>');
const started = performance.now();
let rows = 0;
const parser = createReadStream(file).pipe(parse({ columns: true }));
for await (const record of parser as AsyncIterable<Record<string, string>>) {
  if (record.ticket !== undefined) rows++;
}
process.stdout.write(JSON.stringify({ rows, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
