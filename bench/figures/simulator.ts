import { runChild } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import type { Sizes } from '../lib/sizes.ts';

interface ThroughputOut {
  readonly get: number;
  readonly note: number;
  readonly bareBefore: number;
  readonly bareAfter: number;
}

/** Figure 7: the simulator alone (measureSimulatorThroughput) against a bare node:http server. */
export async function simulatorFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const { out } = await runChild<ThroughputOut>('sim-throughput', [String(sizes.simSeconds)]);
  log(`simulator: ${out.get} GET/s, ${out.note} note-lanes/s; bare node:http ${out.bareBefore} before, ${out.bareAfter} after`);
  const bare = (out.bareBefore + out.bareAfter) / 2;
  const spread = `bare node:http answering 201, same undici client (16 connections, 64 in flight, ${sizes.simSeconds} s), mean of runs before (${out.bareBefore}/s) and after (${out.bareAfter}/s)`;
  return [
    figure({ figure: '7a simulator Get Conversation', value: out.get, unit: 'requests/s', baseline: bare, goal: { on: 'value', atLeast: 5000 }, note: `measureSimulatorThroughput kind get; baseline: ${spread}` }),
    figure({
      figure: '7b simulator Create Note lanes',
      value: out.note,
      unit: 'requests/s',
      baseline: bare,
      goal: { on: 'value', atLeast: 5000 },
      note: `measureSimulatorThroughput kind note (90 notes per lane, then GETs); baseline: the same bare server`,
    }),
  ];
}
