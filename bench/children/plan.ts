/**
 * `node --import tsx bench/children/plan.ts <config.json>`: runs `planImport` (read + map + plan,
 * no network) in a process of its own, so its peak RSS can be measured from outside. Prints one
 * JSON line: notes, rows, wall ms, and the process's own maxRSS (a cross-check).
 */
import { loadConfig, planImport } from '../../src/index.ts';

const configPath = process.argv[2];
if (configPath === undefined) throw new Error('usage: children/plan.ts <config.json>');
const config = loadConfig(configPath);
const started = performance.now();
const result = await planImport(config);
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    notes: result.notes,
    rows: result.rowsRead,
    rejects: result.rejects.length + result.plannedRejects.length,
    requests: result.estimate.requests.total,
    ms,
    maxRssKb: process.resourceUsage().maxRSS,
  }) + '\n',
);
