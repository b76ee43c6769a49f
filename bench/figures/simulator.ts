import { runChild } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import type { Sizes } from '../lib/sizes.ts';

interface ThroughputOut {
  readonly bare: readonly number[];
  readonly get: readonly number[];
  readonly note: readonly number[];
}

const best = (rounds: readonly number[]): number => Math.max(...rounds);

/** Figure 7: the simulator alone (measureSimulatorThroughput) against a bare node:http server, best of interleaved rounds. */
export async function simulatorFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const { out } = await runChild<ThroughputOut>('sim-throughput', [String(sizes.sim.seconds), String(sizes.sim.rounds)]);
  log(`simulator requests/s per round: GET ${out.get.join(' ')}; note lanes ${out.note.join(' ')}; bare node:http ${out.bare.join(' ')}`);
  const rounds = `best of ${out.bare.length} interleaved rounds of ${sizes.sim.seconds} s (the machine is shared: rounds differ up to 10×)`;
  const baseline = `bare node:http answering 201 to the same undici client (16 connections, 64 in flight), rounds ${out.bare.join(' ')}`;
  return [
    figure({ figure: '7a simulator Get Conversation', value: best(out.get), unit: 'requests/s', baseline: best(out.bare), goal: { on: 'value', atLeast: 5000 }, note: `measureSimulatorThroughput kind get, rounds ${out.get.join(' ')}; ${rounds}; baseline: ${baseline}` }),
    figure({
      figure: '7b simulator Create Note lanes',
      value: best(out.note),
      unit: 'requests/s',
      baseline: best(out.bare),
      goal: { on: 'value', atLeast: 5000 },
      note: `measureSimulatorThroughput kind note (90 notes per lane, then GETs), rounds ${out.note.join(' ')}; ${rounds}; baseline: the same bare server`,
    }),
  ];
}
