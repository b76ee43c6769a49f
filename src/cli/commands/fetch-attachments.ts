import { fetchAttachments } from '../../attachments/fetch-pass.ts';
import { loadConfig } from '../../config/load.ts';
import { writeFetchReport } from '../../report/fetch-report.ts';
import { EXIT } from '../exit-codes.ts';
import { err, out } from '../output.ts';
import { progressView } from '../progress.ts';

/**
 * `hs-import fetch-attachments`: every linked file of the export into the store, right after the
 * export while its links still work (DESIGN §9). Ctrl-C stops taking new links; run it again to go on.
 */
export async function fetchAttachmentsCommand(configPath: string): Promise<number> {
  const config = loadConfig(configPath);
  const abort = new AbortController();
  const onSigint = (): void => {
    err('\ninterrupted: finishing downloads in flight (Ctrl-C again to kill); run again to go on');
    abort.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSigint);
  const view = progressView(process.stderr);
  let summary;
  try {
    summary = await fetchAttachments(config, {
      retryFailed: true,
      signal: abort.signal,
      onProgress: (p) => {
        view.update({ phase: 'fetch', total: p.total, done: p.done, rejected: p.failed, rateLimited: 0, paused: false });
      },
    });
  } finally {
    view.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const report = writeFetchReport(config.reports, summary);
  report.lines.forEach(out);
  out(`reports: ${report.files.join(', ')}`);
  if (abort.signal.aborted) return EXIT.interrupted;
  return summary.failures.length > 0 ? EXIT.finishedWithRejects : EXIT.ok;
}
