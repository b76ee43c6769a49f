import type { SimConversation } from './types.ts';

/** "A single conversation can contain up to 100 threads." */
export const MAX_THREADS = 100;

/**
 * Why a conversation refuses new threads (412), if it does: company policy ("too old"), or
 * "add a thread to a conversation that has 99 threads or more" — the docs' stricter v2 wording.
 */
export function lockedReason(conversation: SimConversation): string | undefined {
  if (conversation.tooOld) return 'Locked conversation - too old';
  if (conversation.threads.length >= MAX_THREADS - 1) return 'Locked conversation - maximum number of threads';
  return undefined;
}
