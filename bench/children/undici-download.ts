/**
 * `node --import tsx bench/children/undici-download.ts <links.txt> <out-dir> <concurrency>`: figure
 * 11a's baseline. Bare undici `request()` (its global dispatcher) downloads every link of the file
 * (one a line) into `<out-dir>/<n>`, `concurrency` at a time: no host rules, no hashing, no
 * manifest, no fsync. Prints one JSON line: files, bytes, ms (from reading the list to the last
 * file closed).
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

const [listPath, outDir, concurrencyArg] = process.argv.slice(2);
if (listPath === undefined || outDir === undefined || concurrencyArg === undefined) throw new Error('usage: children/undici-download.ts <links.txt> <out-dir> <concurrency>');
const concurrency = Number(concurrencyArg);

const started = performance.now();
const links = readFileSync(listPath, 'utf8').split('\n').filter((line) => line !== '');
mkdirSync(outDir, { recursive: true });
let next = 0;
let bytes = 0;
const worker = async (): Promise<void> => {
  for (let i = next++; i < links.length; i = next++) {
    const response = await request(links[i] ?? '', { method: 'GET' });
    if (response.statusCode !== 200) throw new Error(`${links[i] ?? ''}: HTTP ${response.statusCode}`);
    bytes += Number(response.headers['content-length'] ?? 0);
    await pipeline(response.body, createWriteStream(join(outDir, String(i))));
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ files: links.length, bytes, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
