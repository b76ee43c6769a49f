/**
 * `node --import tsx bench/children/read-map.ts <config.json>`: the reader and the mapper over the
 * configured export, as pass 1 (src/pipeline/index-pass.ts) runs them but with no table and no
 * spool (the accepted keys are kept as pass 1's table keeps them, in a KeySet), in a process of
 * its own so its peak RSS is measured from outside. Figure 1c/1d (issue #5).
 * Prints one JSON line: rows, notes, rejects, wall ms, and the process's own maxRSS (a cross-check).
 */
import { loadConfig } from '../../src/index.ts';
import { KeySet } from '../../src/core/key-set.ts';
import { sourceMapper } from '../../src/pipeline/index-pass.ts';
import { openReader } from '../../src/readers/index.ts';

const configPath = process.argv[2];
if (configPath === undefined) throw new Error('usage: children/read-map.ts <config.json>');
const { source } = loadConfig(configPath);
const started = performance.now();
const accepted = new KeySet();
const mapNote = sourceMapper(source, Date.now(), accepted);
let rows = 0;
let notes = 0;
let rejects = 0;
for await (const item of openReader(source)) {
  rows++;
  const mapped = item.kind === 'reject' ? item.reject : mapNote(item.note);
  if ('reason' in mapped) {
    rejects++;
  } else {
    accepted.add(mapped.key);
    notes++;
  }
}
process.stdout.write(JSON.stringify({ rows, notes, rejects, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
