import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetKind } from '../checkpoint/events.ts';
import { laneTarget, replayCheckpoint } from '../checkpoint/replay.ts';
import type { ImportConfig } from '../config/load.ts';

/** One conversation kind's notes: into conversations the export names, or into new ones. */
export interface KindStatus {
  readonly done: number;
  readonly rejected: number;
  readonly inDoubt: number;
  /** Unknown until a run has indexed the export. */
  readonly left?: number;
}

export interface ImportStatus {
  readonly exists: boolean;
  readonly events: number;
  readonly notes?: number;
  readonly done: number;
  readonly doneIntoExisting: number;
  readonly doneIntoCreated: number;
  readonly conversationsCreated: number;
  readonly rejected: number;
  readonly inputRejects: number;
  /** Notes whose last write was not acknowledged: the next run looks them up first. */
  readonly inDoubt: number;
  /** Unknown until a run has indexed the export. */
  readonly left?: number;
  /** Per target kind; `existing` notes that overflowed into a continuation still count as existing. */
  readonly byKind: Readonly<Record<TargetKind, KindStatus>>;
  readonly tornLine?: number;
  /** With target.sharedBudget: the key and, from the last run's report, how many processes shared it and each one's share. */
  readonly sharedBudget?: { readonly key: string; readonly lastRun?: SharedBudgetLastRun };
}

export interface SharedBudgetLastRun {
  readonly processes: number;
  readonly sharePerWindow: number;
  readonly unitsPerWindow: number;
  readonly windowMs: number;
  readonly spentByProcess: readonly { readonly process: string; readonly unitsSpent: number; readonly self: boolean }[];
}

/** `hs-import status`: from the log alone, no network. */
export function importStatus(config: ImportConfig): ImportStatus {
  const exists = existsSync(config.checkpoint);
  const replay = replayCheckpoint(config.checkpoint);
  const inDoubtByKind = { existing: 0, new: 0 };
  for (const intent of replay.inDoubt.values()) inDoubtByKind[laneTarget(intent.lane)] += intent.keys.length;
  const inDoubt = inDoubtByKind.existing + inDoubtByKind.new;
  const done = replay.doneKeys.size;
  const rejected = replay.rejected.size;
  const notes = replay.indexed?.notes;
  const indexedByKind = replay.indexed?.byTarget;
  const kind = (k: TargetKind): KindStatus => {
    const counts = { done: replay.doneByTarget[k], rejected: replay.rejectedByTarget[k], inDoubt: inDoubtByKind[k] };
    const total = indexedByKind?.[k];
    return total === undefined ? counts : { ...counts, left: Math.max(0, total - counts.done - counts.rejected - counts.inDoubt) };
  };
  let conversationsCreated = 0;
  for (const lane of replay.lanes.values()) conversationsCreated += lane.partsCreated;
  return {
    exists,
    events: replay.events,
    ...(notes === undefined ? {} : { notes, left: Math.max(0, notes - done - rejected - inDoubt) }),
    done,
    doneIntoExisting: replay.doneByKind['add-note'],
    doneIntoCreated: replay.doneByKind['create-conversation'],
    conversationsCreated,
    rejected,
    inputRejects: replay.indexed?.inputRejects ?? 0,
    inDoubt,
    byKind: { existing: kind('existing'), new: kind('new') },
    ...(replay.tornLine === undefined ? {} : { tornLine: replay.tornLine }),
    ...(config.sharedBudget === undefined ? {} : { sharedBudget: { key: config.sharedBudget.key, ...lastSharedBudget(config.reports) } }),
  };
}

/** The last run report's shared budget section (run.json), if it has one: status reads no network. */
function lastSharedBudget(reports: string): { lastRun?: SharedBudgetLastRun } {
  try {
    const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as { sharedBudget?: SharedBudgetLastRun };
    return report.sharedBudget === undefined ? {} : { lastRun: report.sharedBudget };
  } catch {
    return {};
  }
}
