import PQueue from 'p-queue';
import type { Plan } from '../plan/plan.ts';
import type { DeliveryContext } from './context.ts';
import { runLane } from './lane-runner.ts';

/**
 * Lanes in parallel, each lane's steps in order. Lanes are fed to the queue only while it is
 * short (backpressure), and the first fatal error stops new work and is rethrown once
 * in-flight requests are done.
 */
export async function deliverPlan(ctx: DeliveryContext, plan: Plan, concurrency: number, stop: () => void): Promise<void> {
  const queue = new PQueue({ concurrency });
  let fatal: Error | undefined;
  for (const lane of plan.lanes) {
    if (fatal !== undefined || ctx.stopping()) break;
    await queue.onSizeLessThan(concurrency);
    queue
      .add(() => runLane(ctx, lane))
      .catch((error: unknown) => {
        fatal ??= error instanceof Error ? error : new Error(String(error));
        stop();
      });
  }
  await queue.onIdle();
  if (fatal !== undefined) throw fatal;
}
