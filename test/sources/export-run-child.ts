/**
 * A child process for the kill tests: `runExport` of the test desk at `argv[2]` into `argv[3]`
 * (`argv[4]`: `--since`), the credential from the environment, progress printed as lines so a
 * test can look for the credential in the output too.
 */
import { runExport } from '../../src/sources/export-run.ts';
import { DESK_TOKEN_ENV, deskPlatform } from './export-test-desk.ts';

const [url, out, since] = process.argv.slice(2);
if (url === undefined || out === undefined) throw new Error('usage: export-run-child.ts URL OUT [SINCE]');
const platform = deskPlatform(url, process.env[DESK_TOKEN_ENV] ?? '');
try {
  const result = await runExport(platform, {
    out,
    since,
    http: { backoffMs: 5 },
    fetcher: { backoffMs: 5 },
    // Every batch saved: the kill tests resume from a cursor mid-walk, whatever the machine's speed.
    saveEveryMs: 0,
    onProgress: (p) => {
      console.log(`progress ${p.counts.tickets} tickets, ${p.attachmentsPending} pending, remaining ${p.budget.remaining ?? '?'}`);
    },
  });
  console.log(`done ${JSON.stringify(result.state.counts)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 3;
}
