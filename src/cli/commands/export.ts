import { ConfigError } from '../../core/errors.ts';
import { exportLines } from '../../report/export-report.ts';
import { runExport } from '../../sources/export-run.ts';
import type { Platform, PlatformFactory } from '../../sources/platform.ts';
import { EXIT } from '../exit-codes.ts';
import { exportProgressView } from '../export-progress.ts';
import { err, out } from '../output.ts';

export interface ExportCommandOptions {
  readonly from: string | undefined;
  readonly out: string | undefined;
  readonly since: string | undefined;
  readonly apiUrl: string | undefined;
}

/** Each platform's walk, loaded only when it is the one asked for. */
const FACTORIES: Readonly<Record<Platform, () => Promise<PlatformFactory | undefined>>> = {
  zendesk: async () => (await import('../../sources/zendesk.ts')).zendeskExport,
  freshdesk: async () => (await import('../../sources/freshdesk.ts')).freshdeskExport,
  intercom: async () => (await import('../../sources/intercom.ts')).intercomExport,
};

function isPlatform(name: string): name is Platform {
  return Object.hasOwn(FACTORIES, name);
}

/**
 * `hs-import export --from PLATFORM --out DIR [--since DATE|DIR] [--api-url URL]`: the platform's
 * history through its API into the files its preset reads, attachments into the store, then an
 * `import.config.json`. Credentials from the environment only. Ctrl-C finishes and saves the batch
 * in flight; the same command again goes on from there.
 */
export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const problems: string[] = [];
  const names = Object.keys(FACTORIES).join(', ');
  if (options.from === undefined) problems.push(`--from: required: one of ${names}`);
  else if (!isPlatform(options.from)) problems.push(`--from: unknown platform ${JSON.stringify(options.from)}: one of ${names}`);
  if (options.out === undefined || options.out.trim() === '') problems.push('--out: required: the folder the export is written to');
  if (problems.length > 0 || options.from === undefined || options.out === undefined || !isPlatform(options.from)) throw new ConfigError(problems);
  const factory = await FACTORIES[options.from]();
  if (factory === undefined) throw new ConfigError([`--from: the ${options.from} export is not available in this version`]);
  const platform = factory(process.env, options.apiUrl);

  const abort = new AbortController();
  const onSigint = (): void => {
    err('\ninterrupted: finishing the batch in flight (Ctrl-C again to kill); the same command goes on from there');
    abort.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSigint);
  const view = exportProgressView(process.stderr);
  let result;
  try {
    result = await runExport(platform, {
      out: options.out,
      since: options.since,
      signal: abort.signal,
      onProgress: (p) => {
        view.update(p);
      },
    });
  } finally {
    view.stop();
    process.removeListener('SIGINT', onSigint);
  }
  exportLines(result).forEach(out);
  out(`reports: ${result.reportFiles.join(', ')}`);
  if (result.interrupted) return EXIT.interrupted;
  if (result.configPath !== undefined) out(`import config: ${result.configPath} (fill in target.mailboxId, then hs-import plan --config ${result.configPath})`);
  const failed = Object.values(result.state.counts.attachmentsFailed).some((n) => n > 0);
  return failed || result.state.warnings.length > 0 ? EXIT.finishedWithRejects : EXIT.ok;
}
