import type { DoneEvent, IntentEvent } from '../checkpoint/events.ts';
import type { LogWriter } from '../checkpoint/log-writer.ts';
import { threadsLoggedIn, type ReplayedState } from '../checkpoint/replay.ts';
import type { ImportConfig } from '../config/load.ts';
import { reconcileIntent, reconcileNotes, type ReconcileResult } from '../deliver/reconcile.ts';
import { sleep } from '../helpscout/client.ts';

/**
 * Every intent without `done` may have landed. Give requests of a killed run time to arrive,
 * then look; found → done, not found → aborted (it will be sent again).
 */
export async function settleInDoubt(config: ImportConfig, replay: ReplayedState, store: LogWriter, client: Parameters<typeof reconcileIntent>[0], enabled: boolean): Promise<number> {
  const intents = [...replay.inDoubt.values()];
  const known = threadsLoggedIn(config.checkpoint, new Set(intents.map((i) => i.conversation).filter((c): c is number => c !== undefined)));
  const youngest = Math.max(...intents.map((i) => i.at));
  const wait = youngest + config.target.reconcileAfterSeconds * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  let found = 0;
  const settle = (intent: IntentEvent, result: ReconcileResult): void => {
    if (result.kind === 'landed') {
      found += intent.keys.length;
      store.append(doneFromIntent(intent, result.conversation, result.threads));
    } else {
      store.append({ t: 'aborted', step: intent.step, reason: 'not_found_on_reconcile', at: Date.now() });
    }
  };
  // Notes logged ahead of their turn share a conversation: one listing settles them all.
  const notesIn = new Map<number, IntentEvent[]>();
  for (const intent of intents) {
    if (!enabled) settle(intent, { kind: 'absent' });
    else if (intent.kind === 'create-conversation' || intent.conversation === undefined) settle(intent, await reconcileIntent(client, intent));
    else {
      const group = notesIn.get(intent.conversation);
      if (group) group.push(intent);
      else notesIn.set(intent.conversation, [intent]);
    }
  }
  for (const [conversation, group] of notesIn) {
    const results = await reconcileNotes(client, conversation, group, known.get(conversation) ?? new Set());
    group.forEach((intent, i) => {
      settle(intent, results[i] ?? { kind: 'absent' });
    });
  }
  return found;
}

function doneFromIntent(intent: IntentEvent, conversation: number, threads: readonly number[] | undefined): DoneEvent {
  return {
    t: 'done',
    step: intent.step,
    kind: intent.kind,
    lane: intent.lane,
    keys: intent.keys,
    conversation,
    ...(threads ? { threads } : {}),
    ...(intent.part === undefined ? {} : { part: intent.part }),
    ...(intent.linkFrom === undefined ? {} : { linkFrom: intent.linkFrom }),
    ...(intent.sideOf === undefined ? {} : { sideOf: intent.sideOf }),
    ...(intent.continuation === undefined ? {} : { continuation: intent.continuation }),
    via: 'reconciled',
    ...(intent.h === undefined ? {} : { h: intent.h }),
    at: Date.now(),
  };
}
