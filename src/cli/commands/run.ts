import { appendFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import type { RequestEvent } from '../../helpscout/client.ts';
import { runImport } from '../../pipeline/run-import.ts';
import { writeRunReport } from '../../report/run-report.ts';
import { simulatedTag } from '../../report/summary.ts';
import { EXIT } from '../exit-codes.ts';
import { err, out } from '../output.ts';
import { progressView } from '../progress.ts';

export interface RunFlags {
  readonly limit?: number;
  readonly only?: readonly string[];
  readonly force: boolean;
  readonly delta: boolean;
  readonly verbose: boolean;
  readonly logFile?: string;
}

/** `hs-import run`: import, resume, report; Ctrl-C stops cleanly with the checkpoint flushed. */
export async function runCommand(configPath: string, flags: RunFlags): Promise<number> {
  const config = loadConfig(configPath);
  const abort = new AbortController();
  const onSigint = (): void => {
    err('\ninterrupted: finishing requests in flight and flushing the checkpoint (Ctrl-C again to kill)');
    abort.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSigint);
  const view = progressView(process.stderr);
  const onRequest = (event: RequestEvent): void => {
    if (flags.verbose) err(`${event.method} ${event.path} → ${event.status} (${event.ms} ms, attempt ${event.attempt})`);
    if (flags.logFile) appendFileSync(flags.logFile, JSON.stringify({ type: 'request', at: new Date().toISOString(), ...event }) + '\n');
  };
  try {
    const result = await runImport(config, {
      ...(flags.limit === undefined ? {} : { limit: flags.limit }),
      ...(flags.only === undefined ? {} : { only: flags.only }),
      force: flags.force,
      delta: flags.delta,
      signal: abort.signal,
      onProgress: (p) => { view.update(p); },
      onRequest,
      onNotice: (message) => { err(`notice: ${message}`); },
    });
    view.stop();
    const report = writeRunReport(config.reports, result);
    if (flags.logFile) {
      for (const r of result.results()) appendFileSync(flags.logFile, JSON.stringify({ type: 'result', ...r }) + '\n');
    }
    report.lines.forEach((line) => { out(line); });
    out(`reports${simulatedTag(result.simulated)}: ${report.files.join(', ')}`);
    if (result.interrupted) return EXIT.interrupted;
    return result.counts.rejected > 0 || result.counts.inDoubt > 0 ? EXIT.finishedWithRejects : EXIT.ok;
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
  }
}
