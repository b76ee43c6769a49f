/**
 * `node --import tsx bench/children/status.ts <config.json>`: what `hs-import status` does (replay
 * of the checkpoint log, src/pipeline/status.ts), timed. Prints one JSON line.
 */
import { importStatus, loadConfig } from '../../src/index.ts';

const configPath = process.argv[2];
if (configPath === undefined) throw new Error('usage: children/status.ts <config.json>');
const config = loadConfig(configPath);
const started = performance.now();
const status = importStatus(config);
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ events: status.events, done: status.done, inDoubt: status.inDoubt, rejected: status.rejected, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
