import { targetKindOf, type IntentEvent } from '../checkpoint/events.ts';
import type { NotePayload } from '../checkpoint/spool.ts';
import type { ConversationBody } from '../helpscout/wire-types.ts';
import { ApiRejectedError, ConversationMovedError, PreconditionError, RequestTooLargeError } from '../core/errors.ts';
import type { RejectReason } from '../core/reject.ts';
import { planLane, type LaneHistory } from '../plan/build-plan.ts';
import type { ConversationFacts } from '../plan/facts.ts';
import type { Lane, LaneTarget, LinkTarget, PlannedReject, Step } from '../plan/plan.ts';
import { conversationBody, conversationThread, linkText, sideLinkText, threadBody, type OutgoingThread, type Voice } from './bodies.ts';
import type { DeliveryContext } from './context.ts';
import { textFingerprint } from './fingerprint.ts';
import { Status } from './note-status.ts';
import { resolveConversation } from './resolve-conversation.ts';
import { sendLogged, writeOnce } from './write-once.ts';

type StepOutcome = { readonly kind: 'next' | 'stop' } | { readonly kind: 'replan'; readonly target?: LaneTarget };

type AddNote = Step & { kind: 'add-note' };

/**
 * An add-note whose intent is on disk, ready to send. Its body is built only when it is sent:
 * sixteen bodies built ahead, each with its files in base64, held hundreds of megabytes.
 */
interface LoggedNote {
  readonly intent: IntentEvent;
  readonly payload: NotePayload;
  readonly voice: Voice;
}

/**
 * How many of a lane's add-notes are logged together, with one wait for the disk. Waiting for an
 * fdatasync before every note cost a live run about a quarter of its time; after a crash the
 * notes logged but not sent are in doubt, and one listing of their conversation settles them.
 */
export const INTENTS_AHEAD = 16;

/** The notes' content hashes for an intent or a `done` (none for a link note, or a table that has none). */
function contentOf(table: DeliveryContext['table'], notes: readonly number[]): { h?: number[] } {
  const h = notes.map((n) => table.content(n));
  return h.some((x) => x !== 0) ? { h } : {};
}

/** Sends a thread to the endpoint of its type. */
function send(ctx: DeliveryContext, conversation: number, thread: OutgoingThread): Promise<{ threadId?: number }> {
  switch (thread.type) {
    case 'customer':
      return ctx.client.createCustomerThread(conversation, thread.body);
    case 'reply':
      return ctx.client.createReply(conversation, thread.body);
    case 'note':
      return ctx.client.createNote(conversation, thread.body);
  }
}

/** One lane: its steps in order, one request at a time; re-planned when Help Scout surprises us. */
export async function runLane(ctx: DeliveryContext, lane: Lane): Promise<void> {
  const runner = new LaneRunner(ctx, lane);
  await runner.run();
}

class LaneRunner {
  private target: LaneTarget;
  private steps: readonly Step[];
  private readonly created = new Map<string, number>();
  private history: LaneHistory;
  /** Add-notes after the current one whose intents are already on disk, in step order. */
  private ahead: LoggedNote[] = [];

  constructor(
    private readonly ctx: DeliveryContext,
    private readonly lane: Lane,
  ) {
    this.target = lane.target;
    this.steps = lane.steps;
    this.history = ctx.history(lane.id) ?? { partsCreated: 0, pendingLinks: [] };
  }

  async run(): Promise<void> {
    for (let i = 0; i < this.steps.length; ) {
      const step = this.steps[i];
      if (!step || this.ctx.stopping()) break;
      const outcome = await this.execute(step, i);
      if (outcome.kind === 'stop') break;
      if (outcome.kind === 'next') {
        i++;
        continue;
      }
      this.dropAhead();
      if (outcome.kind === 'replan' && outcome.target) this.target = outcome.target;
      this.replan();
      i = 0;
    }
    this.dropAhead();
  }

  private execute(step: Step, index: number): Promise<StepOutcome> {
    switch (step.kind) {
      case 'add-note':
        return this.addNote(step, index);
      case 'create-conversation':
        return this.createConversation(step);
      case 'link-note':
        return this.linkNote(step);
    }
  }

  private async addNote(step: AddNote, index: number): Promise<StepOutcome> {
    const { ctx } = this;
    const { intent, payload, voice } = await this.logged(step, index);
    try {
      const result = await this.withBody([step.note], async () => {
        const outgoing = await threadBody(payload, voice);
        return sendLogged(ctx, intent, () => send(ctx, step.conversation, outgoing));
      });
      if (result.kind === 'in-doubt') return this.leaveInDoubt([step.note]);
      const thread = result.kind === 'ack' ? result.value.threadId : result.found.threads?.[0];
      this.markDone(step, [step.note], step.conversation, thread === undefined ? [] : [thread], result.kind);
      ctx.stats.threads[voice.type]++;
      return { kind: 'next' };
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        this.reject([step.note], 'note_too_large', `the note is ${error.bytes} bytes as a request and Help Scout refused it (413)`);
        return { kind: 'next' };
      }
      if (error instanceof ApiRejectedError) {
        this.reject([step.note], 'api_rejected', error.message);
        return { kind: 'next' };
      }
      return this.conversationTrouble(error, step.conversation);
    }
  }

  /** The step's intent on disk: logged earlier with the steps before it, or now with the add-notes after it. */
  private async logged(step: AddNote, index: number): Promise<LoggedNote> {
    if (this.ahead[0]?.intent.step === step.id) return this.ahead.shift() as LoggedNote;
    this.dropAhead();
    const batch: AddNote[] = [step];
    for (let i = index + 1; i < this.steps.length && batch.length < INTENTS_AHEAD; i++) {
      const later = this.steps[i];
      if (later?.kind !== 'add-note') break;
      batch.push(later);
    }
    const { ctx } = this;
    const notes = batch.map((s): LoggedNote => {
      const payload = ctx.spool.read(ctx.table.spool(s.note));
      const intent = this.intent(s, [s.note], { conversation: s.conversation, createdAt: payload.createdAt, fp: textFingerprint(payload.text) });
      const into = this.factsOf(s.conversation);
      return { intent, payload, voice: this.voiceOf(s.note, into?.customerEmail, into?.status) };
    });
    for (const note of notes) ctx.store.append(note.intent);
    await ctx.store.durable();
    const [first, ...rest] = notes as [LoggedNote, ...LoggedNote[]];
    this.ahead = rest;
    return first;
  }

  /** Add-notes logged ahead that will not be sent in this plan (stop, re-plan): not in doubt. */
  private dropAhead(): void {
    for (const { intent } of this.ahead) this.ctx.store.append({ t: 'aborted', step: intent.step, reason: 'not_sent', at: Date.now() });
    this.ahead = [];
  }

  /** The Create Conversation body of a step: its notes as threads (attachment files read now), after a back-link. */
  private async conversationRequest(step: Step & { kind: 'create-conversation' }, notes: readonly number[]): Promise<ConversationBody> {
    const { ctx } = this;
    const threads = await Promise.all(notes.map((note) => conversationThread(ctx.spool.read(ctx.table.spool(note)), this.voiceOf(note, step.customerEmail, undefined))));
    const back = this.resolveLink(step.backLink);
    if (back !== undefined && threads[0]) {
      threads.unshift({ type: 'note', imported: true, createdAt: threads[0].createdAt, text: linkText('continued-from', back) });
    }
    const ticket = ctx.table.ticketFactsOf(notes[0] ?? 0);
    const status = ctx.conversationStatus === 'source' ? (ticket.status ?? 'closed') : ctx.conversationStatus;
    return conversationBody(
      {
        subject: step.subject,
        customerEmail: step.customerEmail,
        mailboxId: step.mailboxId,
        status,
        tag: step.tag,
        ...(ticket.tags === undefined ? {} : { tags: ticket.tags }),
        ...(ticket.customerName === undefined ? {} : { customerName: ticket.customerName }),
        ...(ctx.user === undefined ? {} : { user: ctx.user }),
      },
      threads,
    );
  }

  /** Builds and sends one request while holding its bytes of the run's body budget. */
  private async withBody<T>(notes: readonly number[], work: () => Promise<T>): Promise<T> {
    const release = await this.ctx.bodyBytes.take(notes.reduce((sum, note) => sum + this.ctx.table.bytes(note), 0));
    try {
      return await work();
    } finally {
      release();
    }
  }

  private async createConversation(step: Step & { kind: 'create-conversation' }): Promise<StepOutcome> {
    const { ctx } = this;
    const notes = [...step.notes];
    // Every side conversation is linked from its original (one side note for all); a continuation only when the plan links it.
    const sideOf = step.side === true && this.target.kind === 'existing' ? this.target.facts.id : undefined;
    const linkFrom = sideOf ?? this.steps.find((s): s is Step & { kind: 'link-note' } => s.kind === 'link-note' && s.continuation.kind === 'step' && s.continuation.step === step.id)?.conversation;
    const intent = this.intent(step, notes, {
      tag: step.tag,
      mailboxId: step.mailboxId,
      part: step.part,
      ...(linkFrom === undefined ? {} : { linkFrom }),
      ...(sideOf === undefined ? {} : { sideOf }),
    });
    try {
      const result = await this.withBody(notes, async () => {
        const body = await this.conversationRequest(step, notes);
        return writeOnce(ctx, intent, () => ctx.client.createConversation(body));
      });
      if (result.kind === 'in-doubt') return this.leaveInDoubt(notes);
      const conversation = result.kind === 'ack' ? result.value.conversationId : result.found.conversation;
      this.created.set(step.id, conversation);
      this.history = { ...this.history, partsCreated: this.history.partsCreated + 1, lastPart: conversation };
      ctx.stats.createsDone++;
      for (const note of notes) ctx.stats.threads[this.voiceOf(note, step.customerEmail, undefined).type]++;
      this.markDone(step, notes, conversation, [], result.kind, { part: step.part, ...(linkFrom === undefined ? {} : { linkFrom }), ...(sideOf === undefined ? {} : { sideOf }) });
      return { kind: 'next' };
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        if (notes.length === 1) {
          this.reject(notes, 'note_too_large', `the note is ${error.bytes} bytes as a create request and Help Scout refused it (413)`);
        } else {
          // Halve the bound for the rest of the run, and cut this batch again under it.
          ctx.planOptions.maxRequestBytes = Math.max(1, Math.min(ctx.planOptions.maxRequestBytes, Math.floor(error.bytes / 2)));
          ctx.stats.requestBytesLowered.push(ctx.planOptions.maxRequestBytes);
        }
        return { kind: 'replan' };
      }
      if (error instanceof ApiRejectedError || error instanceof PreconditionError) {
        this.reject(notes, 'api_rejected', `Create Conversation refused: ${error.message}`);
        return { kind: 'next' };
      }
      throw error;
    }
  }

  private async linkNote(step: Step & { kind: 'link-note' }): Promise<StepOutcome> {
    const { ctx } = this;
    const continuation = this.resolveLink(step.continuation);
    if (continuation === undefined) return this.skipLink();
    const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text = step.side === undefined ? linkText('continued-in', continuation) : sideLinkText([continuation, ...this.resolvedLinks(step.side.more)], step.side.span);
    const intent = this.intent(step, [], { conversation: step.conversation, createdAt, fp: textFingerprint(text), continuation });
    try {
      const result = await writeOnce(ctx, intent, () => ctx.client.createNote(step.conversation, { text, imported: true, createdAt }));
      if (result.kind === 'in-doubt') return this.skipLink();
      ctx.stats.linksDone++;
      ctx.store.append({ t: 'done', step: step.id, kind: 'link-note', lane: this.lane.id, keys: [], conversation: step.conversation, continuation, via: result.kind, at: Date.now() });
      return { kind: 'next' };
    } catch (error) {
      // A link is a courtesy: the notes are safe in the continuation whatever happens to it.
      if (error instanceof ApiRejectedError || error instanceof PreconditionError || error instanceof ConversationMovedError || error instanceof RequestTooLargeError) {
        return this.skipLink();
      }
      throw error;
    }
  }

  /** 404 (merged?) or 412 (full, or too old) on a write to an existing conversation. */
  private async conversationTrouble(error: unknown, conversation: number): Promise<StepOutcome> {
    if (!(error instanceof ConversationMovedError || error instanceof PreconditionError)) throw error;
    const { ctx } = this;
    const { facts, hops } = await resolveConversation(ctx.client, conversation);
    for (const hop of hops) ctx.store.append({ t: 'moved', from: hop.from, to: hop.to, at: Date.now() });
    if (facts.kind === 'not-found') {
      this.reject(this.pending(), 'conversation_not_found', `Help Scout conversation ${conversation} no longer exists (404)`);
      return { kind: 'replan' };
    }
    if (hops.length > 0) {
      ctx.stats.moved++;
      for (const note of this.pending()) ctx.outcome.moved.set(note, { from: conversation, to: facts.id });
      return { kind: 'replan', target: { kind: 'existing', facts } };
    }
    if (error instanceof PreconditionError && facts.threads < 99) {
      // Not the thread limit, so the other 412: company policy locks old conversations.
      if (ctx.tooOld === 'reject') {
        this.reject(this.pending(), 'too_old', `conversation ${conversation} is locked as too old by company policy (412) and policy.tooOld is "reject"`);
        return { kind: 'replan' };
      }
      return { kind: 'replan', target: { kind: 'existing', facts: { ...facts, locked: true } as ConversationFacts & { kind: 'found' } } };
    }
    return { kind: 'replan', target: { kind: 'existing', facts } };
  }

  private replan(): void {
    const { ctx } = this;
    this.ctx.stats.replans++;
    const rejects: PlannedReject[] = [];
    const history = this.history;
    const input = {
      table: ctx.table,
      isSettled: (note: number) => ctx.outcome.status[note] !== Status.Pending,
      facts: (id: number): ConversationFacts => this.knownFacts(id),
      history: () => history,
      options: ctx.planOptions,
    };
    const pending = Int32Array.from(this.pending());
    const lane = planLane(input, this.lane.id, this.target, pending, rejects);
    for (const r of rejects) this.reject([r.note], r.reason, r.message);
    this.steps = lane.steps;
  }

  /** `knownFacts` of a conversation this lane writes into, when Help Scout found it. */
  private factsOf(conversation: number): (ConversationFacts & { kind: 'found' }) | undefined {
    const facts = this.knownFacts(conversation);
    return facts.kind === 'found' ? facts : undefined;
  }

  /** The target as this lane last saw it; any other conversation as the run's lookups did. */
  private knownFacts(conversation: number): ConversationFacts {
    const target = this.target.kind === 'existing' ? this.target.facts : undefined;
    return target !== undefined && (conversation === target.id || conversation === target.requested) ? target : this.ctx.facts(conversation);
  }

  /**
   * As which thread a message goes (DESIGN §8): its author's Help Scout user (else the default
   * user); with \`policy.threads: "native"\`, a customer message as a customer thread (from its
   * author, else the conversation's customer) and an agent's public answer as a reply carrying
   * the conversation's status. Without a customer to name, a message stays a note.
   */
  private voiceOf(note: number, customerEmail: string | undefined, status: string | undefined): Voice {
    const { ctx } = this;
    const author = ctx.table.author(note);
    const mapped = ctx.users.userOf(author) ?? ctx.user;
    const user = mapped === undefined ? {} : { user: mapped };
    const kind = ctx.threads === 'native' ? ctx.table.kind(note) : 'note';
    if (kind === 'customer') {
      const customer = author ?? customerEmail;
      if (customer !== undefined) return { type: 'customer', customer };
    }
    if (kind === 'reply' && customerEmail !== undefined) return { type: 'reply', customer: customerEmail, ...user, ...(status === undefined ? {} : { status }) };
    return { type: 'note', ...user };
  }

  private pending(): number[] {
    return [...this.lane.notes].filter((note) => this.ctx.outcome.status[note] === Status.Pending);
  }

  private resolveLink(link: LinkTarget | undefined): number | undefined {
    if (link === undefined) return undefined;
    return link.kind === 'conversation' ? link.id : this.created.get(link.step);
  }

  private resolvedLinks(links: readonly LinkTarget[]): number[] {
    return links.map((link) => this.resolveLink(link)).filter((id) => id !== undefined);
  }

  private intent(step: Step, notes: readonly number[], extra: Partial<IntentEvent>): IntentEvent {
    return { t: 'intent', step: step.id, kind: step.kind, lane: this.lane.id, keys: notes.map((n) => this.ctx.table.key(n)), ...extra, ...contentOf(this.ctx.table, notes), at: Date.now() };
  }

  private markDone(step: Step, notes: readonly number[], conversation: number, threads: readonly number[], via: 'ack' | 'reconciled', extra: { part?: number; linkFrom?: number; sideOf?: number } = {}): void {
    const { ctx } = this;
    ctx.store.append({
      t: 'done',
      step: step.id,
      kind: step.kind,
      lane: this.lane.id,
      keys: notes.map((n) => ctx.table.key(n)),
      conversation,
      ...(threads.length > 0 ? { threads } : {}),
      ...extra,
      via,
      ...contentOf(ctx.table, notes),
      at: Date.now(),
    });
    notes.forEach((note, i) => {
      ctx.outcome.status[note] = Status.Done;
      ctx.outcome.conversation.set(note, conversation);
      const thread = threads[i];
      if (thread !== undefined) ctx.outcome.thread.set(note, thread);
    });
    ctx.stats.notesDone += notes.length;
    if (via === 'reconciled') ctx.stats.notesReconciled += notes.length;
    ctx.onNoteSettled();
  }

  private reject(notes: readonly number[], reason: RejectReason, message: string): void {
    const { ctx } = this;
    for (const note of notes) {
      if (ctx.outcome.status[note] !== Status.Pending) continue;
      ctx.outcome.status[note] = Status.Rejected;
      ctx.outcome.rejected.set(note, { reason, message });
      ctx.store.append({ t: 'rejected', key: ctx.table.key(note), reason, message, target: targetKindOf(ctx.table.conversation(note)), at: Date.now() });
      ctx.stats.notesRejected++;
    }
    ctx.onNoteSettled();
  }

  /** Still unknown after every look: the notes stay in doubt for the next run to settle. */
  private leaveInDoubt(notes: readonly number[]): StepOutcome {
    for (const note of notes) this.ctx.outcome.status[note] = Status.InDoubt;
    this.ctx.stats.inDoubt += notes.length;
    this.ctx.onNoteSettled();
    // Later notes of the lane must not overtake one whose fate is unknown: they wait for the next run.
    return { kind: 'stop' };
  }

  private skipLink(): StepOutcome {
    this.ctx.stats.linksSkipped++;
    return { kind: 'next' };
  }
}
