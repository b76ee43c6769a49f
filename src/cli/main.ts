import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { ConfigError, FatalError, HsImportError } from '../core/errors.ts';
import type { RequestEvent } from '../helpscout/client.ts';
import { planImport } from '../pipeline/plan-import.ts';
import { runImport } from '../pipeline/run-import.ts';
import { importStatus } from '../pipeline/status.ts';
import { writePlanReport } from '../report/plan-report.ts';
import { writeRunReport } from '../report/run-report.ts';
import { simulateCommand } from './commands/simulate.ts';
import { EXIT } from './exit-codes.ts';
import { HELP } from './help.ts';
import { progressView } from './progress.ts';

const out = (line: string): void => {
  process.stdout.write(line + '\n');
};
const err = (line: string): void => {
  process.stderr.write(line + '\n');
};

/** The one top-level catch: every error becomes a message and an exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', default: 'import.config.json' },
        'check-remote': { type: 'boolean', default: false },
        limit: { type: 'string' },
        only: { type: 'string' },
        force: { type: 'boolean', default: false },
        'log-file': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        port: { type: 'string', default: '8080' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`hs-import: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.badConfig;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined) {
    out(HELP);
    return command === undefined && !values.help ? EXIT.badConfig : EXIT.ok;
  }
  try {
    const selection = {
      ...(values.limit === undefined ? {} : { limit: positiveInt('--limit', values.limit) }),
      ...(values.only === undefined ? {} : { only: values.only.split(',').map((s) => s.trim()).filter(Boolean) }),
    };
    switch (command) {
      case 'plan': {
        const config = loadConfig(values.config);
        const result = await planImport(config, { ...selection, checkRemote: values['check-remote'] });
        const report = writePlanReport(config.reports, result);
        report.lines.forEach((line) => { out(line); });
        out(`reports: ${report.files.join(', ')}`);
        return EXIT.ok;
      }
      case 'run':
        return await runCommand(values.config, { ...selection, force: values.force, verbose: values.verbose, ...(values['log-file'] ? { logFile: values['log-file'] } : {}) });
      case 'status': {
        const config = loadConfig(values.config);
        const s = importStatus(config);
        if (!s.exists) {
          out(`no checkpoint yet at ${config.checkpoint}: nothing has run`);
          return EXIT.ok;
        }
        out(`done: ${s.done} (${s.doneIntoExisting} into existing conversations, ${s.doneIntoCreated} in ${s.conversationsCreated} created conversations)`);
        out(`rejected: ${s.rejected} during delivery, ${s.inputRejects} at reading`);
        out(`in doubt: ${s.inDoubt}${s.inDoubt > 0 ? ' (the next run checks Help Scout before sending anything)' : ''}`);
        out(`left: ${s.left === undefined ? 'unknown (no run has indexed the export yet)' : s.left}`);
        if (s.tornLine !== undefined) err(`warning: checkpoint line ${s.tornLine} was cut short by a crash and is ignored`);
        return EXIT.ok;
      }
      case 'simulate': {
        const simulator = await simulateCommand({ port: positiveInt('--port', values.port, true), ...(values.seed ? { seedPath: values.seed } : {}) }, out);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await simulator.close();
        return EXIT.ok;
      }
      default:
        err(`hs-import: unknown command "${command}"\n\n${HELP}`);
        return EXIT.badConfig;
    }
  } catch (error) {
    return reportError(error);
  }
}

interface RunFlags {
  readonly limit?: number;
  readonly only?: readonly string[];
  readonly force: boolean;
  readonly verbose: boolean;
  readonly logFile?: string;
}

async function runCommand(configPath: string, flags: RunFlags): Promise<number> {
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
    out(`reports: ${report.files.join(', ')}`);
    if (result.interrupted) return EXIT.interrupted;
    return result.counts.rejected > 0 || result.counts.inDoubt > 0 ? EXIT.finishedWithRejects : EXIT.ok;
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
  }
}

function reportError(error: unknown): number {
  if (error instanceof ConfigError) {
    err('hs-import: the configuration or input has problems; nothing was sent:');
    for (const problem of error.problems) err(`  ${problem}`);
    return EXIT.badConfig;
  }
  if (error instanceof FatalError || error instanceof HsImportError) {
    err(`hs-import: aborted (${error.code}): ${error.message}`);
    return EXIT.aborted;
  }
  err(`hs-import: aborted by an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.aborted;
}

function positiveInt(flag: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new ConfigError([`${flag}: expected a whole number${allowZero ? '' : ' above 0'}, got ${JSON.stringify(raw)}`]);
  return n;
}

process.exitCode = await main(process.argv.slice(2));
