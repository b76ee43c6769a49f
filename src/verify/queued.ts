import PQueue from 'p-queue';

/**
 * Runs `task` for each item, `concurrency` at a time, taking the next item only as the queue
 * drains (as run's lookups and delivery do: a queue filled up front holds a closure and a
 * promise per conversation). The first failure stops the feeding and is thrown once the
 * tasks in flight are over.
 */
export async function forEachQueued<T>(items: Iterable<T>, concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = new PQueue({ concurrency });
  let failure: Error | undefined;
  for (const item of items) {
    if (failure !== undefined) break;
    await queue.onSizeLessThan(concurrency);
    queue
      .add(() => task(item))
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
  }
  await queue.onIdle();
  if (failure !== undefined) throw failure;
}
