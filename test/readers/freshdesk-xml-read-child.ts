/**
 * `node --import tsx test/readers/freshdesk-xml-read-child.ts <export.zip|folder>`: the
 * freshdesk-xml reader alone over an export, in a process of its own so its peak RSS is
 * measured apart from the test runner. Prints one JSON line: notes, rejects, maxRSS in KB.
 */
import { openReader } from '../../src/readers/index.ts';
import { sourceOf } from './helpers.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: freshdesk-xml-read-child.ts <export.zip|folder>');
let notes = 0;
let rejects = 0;
for await (const item of openReader(sourceOf('freshdesk-xml', path))) {
  if (item.kind === 'note') notes++;
  else rejects++;
}
process.stdout.write(JSON.stringify({ notes, rejects, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
