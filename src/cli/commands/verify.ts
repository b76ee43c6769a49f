import { loadConfig } from '../../config/load.ts';
import type { RunProgress } from '../../pipeline/run-import.ts';
import { writeVerifyReport } from '../../report/verify-report.ts';
import { simulatedTag } from '../../report/summary.ts';
import type { VerifyProgress } from '../../verify/verify-import.ts';
import { verifyImport } from '../../verify/verify-import.ts';
import { EXIT } from '../exit-codes.ts';
import { err, out } from '../output.ts';
import { progressView } from '../progress.ts';

/** Run's progress bar shows verify's passes under the names of run's phases that do the same reads. */
const PHASE: Record<VerifyProgress['phase'], RunProgress['phase']> = { index: 'index', resolve: 'lookup', check: 'reconcile', finish: 'finish' };

/** `hs-import verify`: every landed note in Help Scout exactly once? Exit 0 yes, 1 no. */
export async function verifyCommand(configPath: string, flags: { readonly sample?: number }): Promise<number> {
  const config = loadConfig(configPath);
  const view = progressView(process.stderr);
  try {
    const result = await verifyImport(config, {
      ...(flags.sample === undefined ? {} : { sample: flags.sample }),
      onProgress: (p) => {
        view.update({ ...p, phase: PHASE[p.phase], rejected: 0 });
      },
      onNotice: (message) => {
        err(`notice: ${message}`);
      },
    });
    view.stop();
    const report = writeVerifyReport(config.reports, result);
    report.lines.forEach((line) => {
      out(line);
    });
    out(`reports${simulatedTag(result.simulated)}: ${report.files.join(', ')}`);
    return result.ok ? EXIT.ok : EXIT.finishedWithRejects;
  } finally {
    view.stop();
  }
}
