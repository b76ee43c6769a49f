/**
 * An Intercom export in its own process, for kill tests:
 * `node --import tsx test/sources/intercom-export-child.ts <api-url> <out> <page-size>`, the token
 * from `INTERCOM_TOKEN` as the command takes it.
 */
import { runExport } from '../../src/sources/export-run.ts';
import { intercomPlatform, intercomSettings } from '../../src/sources/intercom.ts';

const [apiUrl, out = '', pageSize = '150'] = process.argv.slice(2);
const platform = intercomPlatform({ ...intercomSettings(process.env, apiUrl), pageSize: Number(pageSize) });
// Every batch saved: the kill test resumes from the page after the last one given, whatever the machine's speed.
const result = await runExport(platform, { out, http: { backoffMs: 5 }, fetcher: { backoffMs: 1 }, saveEveryMs: 0 });
process.stdout.write(`${JSON.stringify(result.state.counts)}\n`);
