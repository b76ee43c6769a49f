import { parseArgs } from 'node:util';
import { ConfigError, FatalError, HsImportError } from '../core/errors.ts';
import { EXIT } from './exit-codes.ts';
import { boundHeapGrowth } from './heap-growth.ts';
import { HELP } from './help.ts';
import { err, out } from './output.ts';

// Each command is loaded when it runs: `--help`, `status` and a config error answer without
// loading the HTTP client, the simulator and the pipeline.

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
        sample: { type: 'string' },
        only: { type: 'string' },
        force: { type: 'boolean', default: false },
        delta: { type: 'boolean', default: false },
        'log-file': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        port: { type: 'string', default: '8080' },
        seed: { type: 'string' },
        from: { type: 'string' },
        out: { type: 'string' },
        since: { type: 'string' },
        'api-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`hs-import: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.badConfig;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help) {
    out(HELP);
    return EXIT.ok;
  }
  if (command === undefined) {
    err(`hs-import: which command? export, plan, fetch-attachments, run, status, verify or simulate\n\n${HELP}`);
    return EXIT.badConfig;
  }
  try {
    const selection = {
      ...(values.limit === undefined ? {} : { limit: positiveInt('--limit', values.limit) }),
      ...(values.only === undefined ? {} : { only: values.only.split(',').map((s) => s.trim()).filter(Boolean) }),
    };
    switch (command) {
      case 'export': {
        const { exportCommand } = await import('./commands/export.ts');
        return await exportCommand({ from: values.from, out: values.out, since: values.since, apiUrl: values['api-url'] });
      }
      case 'plan': {
        const { planCommand } = await import('./commands/plan.ts');
        return await planCommand(values.config, { ...selection, checkRemote: values['check-remote'], delta: values.delta });
      }
      case 'run': {
        const { runCommand } = await import('./commands/run.ts');
        return await runCommand(values.config, { ...selection, force: values.force, delta: values.delta, verbose: values.verbose, ...(values['log-file'] ? { logFile: values['log-file'] } : {}) });
      }
      case 'fetch-attachments': {
        const { fetchAttachmentsCommand } = await import('./commands/fetch-attachments.ts');
        return await fetchAttachmentsCommand(values.config);
      }
      case 'status': {
        const { statusCommand } = await import('./commands/status.ts');
        return statusCommand(values.config);
      }
      case 'verify': {
        const { verifyCommand } = await import('./commands/verify.ts');
        return await verifyCommand(values.config, values.sample === undefined ? {} : { sample: positiveInt('--sample', values.sample) });
      }
      case 'simulate': {
        const { simulateCommand } = await import('./commands/simulate.ts');
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

boundHeapGrowth();
process.exitCode = await main(process.argv.slice(2));
