import { loadConfig } from '../../config/load.ts';
import { importStatus } from '../../pipeline/status.ts';
import { statusLines } from '../../report/status-report.ts';
import { EXIT } from '../exit-codes.ts';
import { err, out } from '../output.ts';

/** `hs-import status`: the run summary from the checkpoint alone, no network. */
export function statusCommand(configPath: string): number {
  const config = loadConfig(configPath);
  const status = importStatus(config);
  statusLines(status, config.checkpoint, config.target.simulator !== undefined).forEach(out);
  if (status.tornLine !== undefined) err(`warning: checkpoint line ${status.tornLine} was cut short by a crash and is ignored`);
  return EXIT.ok;
}
