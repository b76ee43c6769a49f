import type { IntentEvent } from '../checkpoint/events.ts';
import { FatalError, HsImportError, RetriableError } from '../core/errors.ts';
import { sleep } from '../helpscout/client.ts';
import type { DeliveryContext } from './context.ts';
import { threadsIn } from './note-status.ts';
import { reconcileIntent, type ReconcileResult } from './reconcile.ts';

export type WriteResult<T> =
  | { readonly kind: 'ack'; readonly value: T }
  | { readonly kind: 'reconciled'; readonly found: ReconcileResult & { kind: 'landed' } }
  | { readonly kind: 'in-doubt' };

/**
 * The exactly-once core: log the intent, send, and when the answer is lost (reset, timeout,
 * 5xx) look before sending again. A definite refusal (4xx) is logged as `aborted` so the intent
 * is not in doubt later, then thrown for the caller to route.
 */
export async function writeOnce<T>(ctx: DeliveryContext, intent: IntentEvent, send: () => Promise<T>): Promise<WriteResult<T>> {
  ctx.store.append(intent);
  await ctx.store.durable();
  return sendLogged(ctx, intent, send);
}

/** `writeOnce` for an intent the caller has already appended and seen on disk (`durable()`). */
export async function sendLogged<T>(ctx: DeliveryContext, intent: IntentEvent, send: () => Promise<T>): Promise<WriteResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { kind: 'ack', value: await send() };
    } catch (error) {
      if (!(error instanceof RetriableError && error.maybeCommitted)) {
        // A 201 without ids (bad_response) or an unknown status may have stored it: stays in doubt.
        if (error instanceof HsImportError && !(error instanceof FatalError && (error.code === 'bad_response' || error.code === 'unexpected_status'))) {
          ctx.store.append({ t: 'aborted', step: intent.step, reason: error.code, at: Date.now() });
        }
        throw error;
      }
      if (attempt >= ctx.maxInDoubtAttempts) return { kind: 'in-doubt' };
      await sleep(ctx.client.backoff(attempt, error.retryAfterMs));
      if (!ctx.reconcile) continue;
      const known = intent.conversation === undefined ? undefined : threadsIn(ctx.outcome, intent.conversation);
      const found = await reconcileIntent(ctx.client, intent, known);
      if (found.kind === 'landed') return { kind: 'reconciled', found };
    }
  }
}
