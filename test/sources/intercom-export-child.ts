/**
 * An Intercom export in its own process, for kill tests:
 * `node --import tsx test/sources/intercom-export-child.ts <api-url> <out> <page-size>`, the token
 * from `INTERCOM_TOKEN` as the command takes it.
 */
import { runExport } from '../../src/sources/export-run.ts';
import { intercomPlatform, intercomSettings } from '../../src/sources/intercom.ts';

const [apiUrl, out = '', pageSize = '150'] = process.argv.slice(2);
const platform = intercomPlatform({ ...intercomSettings(process.env, apiUrl), pageSize: Number(pageSize) });
const result = await runExport(platform, { out, http: { backoffMs: 5 }, fetcher: { backoffMs: 1 } });
process.stdout.write(`${JSON.stringify(result.state.counts)}\n`);
