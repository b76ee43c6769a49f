import { loadConfig } from '../../config/load.ts';
import { planImport } from '../../pipeline/plan-import.ts';
import type { Selection } from '../../pipeline/selection.ts';
import { writePlanReport } from '../../report/plan-report.ts';
import { simulatedTag } from '../../report/summary.ts';
import { EXIT } from '../exit-codes.ts';
import { out } from '../output.ts';

/** `hs-import plan`: a dry run that writes plan.md and plan.json and prints their summary. */
export async function planCommand(configPath: string, options: Selection & { readonly checkRemote: boolean; readonly delta: boolean }): Promise<number> {
  const config = loadConfig(configPath);
  const result = await planImport(config, options);
  const report = writePlanReport(config.reports, result);
  report.lines.forEach(out);
  out(`reports${simulatedTag(result.simulated)}: ${report.files.join(', ')}`);
  return EXIT.ok;
}
