import type { ImportStatus, KindStatus } from '../pipeline/status.ts';
import { notesLine, simulatedTag } from './summary.ts';

/** `hs-import status`: the run summary's numbers, read back from the checkpoint alone. */
export function statusLines(status: ImportStatus, checkpoint: string, simulated: boolean): string[] {
  const tag = simulatedTag(simulated);
  if (!status.exists) return [`hs-import status${tag}: no checkpoint yet at ${checkpoint}: nothing has run`];
  // The same totals as run.json's counts: reader/mapper rejects count as rejected there too.
  const rejected = status.rejected + status.inputRejects;
  const left = status.left ?? 0;
  return [
    notesLine(`hs-import status${tag}`, { done: status.done, rejected, inDoubt: status.inDoubt, left }, `${status.doneIntoExisting} into existing conversations, ${status.doneIntoCreated} in ${status.conversationsCreated} created conversations`),
    kindLine(`for existing conversations${tag}`, status.byKind.existing),
    kindLine(`for new conversations${tag}`, status.byKind.new),
    `rejected${tag}: ${status.inputRejects} at reading, ${status.rejected} by the planner or Help Scout (details in rejects.csv of the last run)`,
    ...(status.inDoubt > 0 ? [`in doubt${tag}: ${status.inDoubt} notes whose last write was not acknowledged; the next run checks Help Scout before sending anything`] : []),
    ...(status.left === undefined ? [`left${tag}: unknown (no run has indexed the export yet)`] : []),
    ...sharedBudgetLines(status, tag),
    `checkpoint${tag}: ${checkpoint} (${status.events} events)`,
  ];
}

/** DESIGN §10: the key, and from the last run how many processes shared it and each one's share. */
function sharedBudgetLines(status: ImportStatus, tag: string): string[] {
  const shared = status.sharedBudget;
  if (shared === undefined) return [];
  const last = shared.lastRun;
  if (last === undefined) return [`shared budget${tag}: key ${shared.key} (no run has reported on it yet)`];
  const each = last.spentByProcess.map((p) => `${p.self ? 'this import' : p.process} ${p.unitsSpent}`).join(', ');
  return [`shared budget${tag}: key ${shared.key}; last run: ${last.processes} process${last.processes === 1 ? '' : 'es'} shared ${last.unitsPerWindow} units per ${last.windowMs / 1000} s window, a share of ${last.sharePerWindow} each; units spent: ${each}`];
}

function kindLine(label: string, kind: KindStatus): string {
  return `${label}: ${kind.done} done, ${kind.rejected} rejected, ${kind.inDoubt} in doubt, ${kind.left === undefined ? 'unknown' : kind.left} left`;
}
