import { existsSync } from 'node:fs';
import { replayCheckpoint } from '../checkpoint/replay.ts';
import type { ImportConfig } from '../config/load.ts';

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
  readonly tornLine?: number;
}

/** `hs-import status`: from the log alone, no network. */
export function importStatus(config: ImportConfig): ImportStatus {
  const exists = existsSync(config.checkpoint);
  const replay = replayCheckpoint(config.checkpoint);
  const inDoubt = [...replay.inDoubt.values()].reduce((n, i) => n + i.keys.length, 0);
  const done = replay.doneKeys.size;
  const rejected = replay.rejected.size;
  const inputRejects = replay.indexed?.inputRejects ?? 0;
  const notes = replay.indexed?.notes;
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
    inputRejects,
    inDoubt,
    ...(replay.tornLine === undefined ? {} : { tornLine: replay.tornLine }),
  };
}
