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
 * DESIGN §11: the three ways with existing conversations priced side by side, by planning each
 * existing conversation's lane once per mode (the planner's own steps, not a formula that could
 * drift from them). New tickets cost the same in every mode and are left out.
 */
export function priceExistingModes(input: PlanInput, lanes: LaneList): ExistingModes {
  const costs = MODES.map((mode) => ({ mode, writes: 0, side: 0 }));
  let conversations = 0;
  let notes = 0;
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes.at(i);
    if (lane?.target.kind !== 'existing') continue;
    conversations++;
    notes += lane.notes.length;
    const begun = (input.history?.(lane.id)?.partsCreated ?? 0) > 0;
    for (const cost of costs) {
      const options = { ...input.options, existing: cost.mode };
      // The lane at hand was planned in the configured mode already.
      const steps = cost.mode === (input.options.existing ?? 'append') ? lane.steps : planLane({ ...input, options }, lane.id, lane.target, lane.notes, []).steps;
      cost.writes += steps.length;
      if (!begun && goesSide(options, lane.notes.length)) cost.side++;
    }
  }
  return { conversations, notes, modes: costs };
}
