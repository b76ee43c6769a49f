import PQueue from 'p-queue';
import type { LogWriter } from '../checkpoint/log-writer.ts';
import { Status, type NoteOutcome } from '../deliver/note-status.ts';
import { resolveConversation } from '../deliver/resolve-conversation.ts';
import type { ConversationFacts } from '../plan/facts.ts';
import type { NoteTable } from '../plan/note-table.ts';

/** One GET per target conversation (following merges) before planning. */
export async function lookupFacts(
  client: Parameters<typeof resolveConversation>[0],
  table: NoteTable,
  outcome: NoteOutcome,
  selected: ((note: number) => boolean) | undefined,
  lastParts: ReadonlySet<number>,
  store: LogWriter,
  concurrency: number,
): Promise<Map<number, ConversationFacts>> {
  const wanted = new Set<number>(lastParts);
  for (let note = 0; note < table.size; note++) {
    const conversation = table.conversation(note);
    if (conversation !== undefined && outcome.status[note] === Status.Pending && (!selected || selected(note))) wanted.add(conversation);
  }
  const facts = new Map<number, ConversationFacts>();
  const queue = new PQueue({ concurrency });
  let failure: Error | undefined;
  // Fed as the queue drains, like delivery: fifty thousand lookups queued up front held their
  // closures and promises until the last one ran (over 100 MB of a 1M-note run's heap).
  for (const id of wanted) {
    if (failure !== undefined) break;
    await queue.onSizeLessThan(concurrency);
    queue
      .add(async () => {
        const resolution = await resolveConversation(client, id);
        for (const hop of resolution.hops) store.append({ t: 'moved', from: hop.from, to: hop.to, at: Date.now() });
        facts.set(id, resolution.facts);
      })
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
  }
  await queue.onIdle();
  if (failure !== undefined) throw failure;
  for (let note = 0; note < table.size; note++) {
    const conversation = table.conversation(note);
    const f = conversation === undefined ? undefined : facts.get(conversation);
    if (f?.kind === 'found' && f.id !== f.requested) outcome.moved.set(note, { from: f.requested, to: f.id });
  }
  return facts;
}
