import { goesSide, planLane, type PlanInput } from './build-plan.ts';
import type { LaneList } from './plan.ts';

export type ExistingMode = 'append' | 'side' | 'auto';

/** What one `policy.existing` would cost for the export's existing conversations. */
export interface ModeCost {
  readonly mode: ExistingMode;
  /** Writes into or for existing conversations: notes, side conversations, link notes. */
  readonly writes: number;
  /** Conversations whose history would go into a side conversation. */
  readonly side: number;
}

export interface ExistingModes {
  readonly conversations: number;
  readonly notes: number;
  readonly modes: readonly ModeCost[];
}

const MODES: readonly ExistingMode[] = ['append', 'side', 'auto'];

/**
 * DESIGN §11: the three ways with existing conversations priced side by side, with the
 * planner's own steps, not a formula that could drift from them. A mode changes a lane's plan
 * only through whether the lane goes into a side conversation (`goesSide`), so each lane has two
 * plans at most: the one `buildPlan` made and counted, and the other, planned here once. New
 * tickets cost the same in every mode and are left out.
 */
export function priceExistingModes(input: PlanInput, lanes: LaneList): ExistingModes {
  const costs = MODES.map((mode) => ({ mode, writes: 0, side: 0, options: { ...input.options, existing: mode } }));
  let conversations = 0;
  let notes = 0;
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes.isExisting(i) ? lanes.at(i) : undefined;
    if (lane?.target.kind !== 'existing') continue;
    conversations++;
    notes += lane.notes.length;
    const begun = (input.history?.(lane.id)?.partsCreated ?? 0) > 0;
    const planned = !begun && goesSide(input.options, lane.notes.length);
    let other: number | undefined;
    for (const cost of costs) {
      const side = !begun && goesSide(cost.options, lane.notes.length);
      cost.writes += side === planned ? lanes.stepCount(i) : (other ??= planLane({ ...input, options: cost.options }, lane.id, lane.target, lane.notes, []).steps.length);
      if (side) cost.side++;
    }
  }
  return { conversations, notes, modes: costs.map(({ mode, writes, side }) => ({ mode, writes, side })) };
}
