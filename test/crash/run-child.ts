/**
 * A run of the import in its own process, for crash tests that need a library option the CLI
 * does not offer: `node --import tsx test/crash/run-child.ts <config> reconcile|no-reconcile`.
 */
import { loadConfig } from '../../src/config/load.ts';
import { runImport } from '../../src/pipeline/run-import.ts';

const [configPath = 'import.config.json', mode = 'reconcile'] = process.argv.slice(2);
const result = await runImport(loadConfig(configPath), { reconcile: mode !== 'no-reconcile' });
process.exitCode = result.counts.done === result.notes ? 0 : 1;
