import { createHash } from 'node:crypto';
import { capacityOf, MAX_THREADS_PER_CREATE, type ConversationFacts } from './facts.ts';
import { chunkNotes } from './chunk.ts';
import type { NoteTable } from './note-table.ts';
import type { Lane, LaneList, LaneTarget, LinkTarget, Plan, PlanCounts, PlannedReject, Step } from './plan.ts';

export interface PlanOptions {
  /** Stable for one import (kept in the checkpoint): part of every tag the tool puts on. */
  readonly importId: string;
  readonly mailboxId: number;
  readonly overflow: 'continue' | 'reject';
  readonly maxRequestBytes: number;
  /** DESIGN §11: an existing conversation's notes into it, or into a linked side conversation (append when absent). */
  readonly existing?: 'append' | 'side' | 'auto';
  /** With "auto": side from this many notes for one conversation on. */
  readonly sideThreshold?: number;
}

/** What earlier runs already created for a lane (from the checkpoint). */
export interface LaneHistory {
  readonly partsCreated: number;
  /** The newest conversation created for the lane: the next part links back to it. */
  readonly lastPart?: number;
  /** Continuations created whose link note in the original has not been posted yet. */
  readonly pendingLinks: readonly number[];
  /** The lane's parts are side conversations (DESIGN §11): what is owed is one side note. */
  readonly side?: boolean;
}

export interface PlanInput {
  readonly table: NoteTable;
  /** Notes already done or rejected by an earlier run. */
  readonly isSettled: (note: number) => boolean;
  readonly facts: (conversation: number) => ConversationFacts;
  readonly history?: (laneId: string) => LaneHistory | undefined;
  /** Only these notes (e.g. `--limit`/`--only`); all when absent. */
  readonly selected?: (note: number) => boolean;
  /**
   * Lanes of existing conversations that still owe a link note (a side note, or a continuation's
   * link) after a run was killed: planned even when none of their notes is left to send.
   */
  readonly owedLinks?: readonly string[];
  readonly options: PlanOptions;
}

/** Pure and deterministic: the same input gives the same plan. */
export function buildPlan(input: PlanInput): Plan {
  const { table } = input;
  const rejects: PlannedReject[] = [];
  // An existing conversation's target, or for a new ticket one of its notes: a target object
  // and a ticket string apiece for 200k new tickets were 11 MB of the plan's heap.
  const laneTargets: (ExistingTarget | number)[] = [];
  // Merges can send two conversations into one lane; a new ticket's lane is its own (no string id to look up).
  const conversationLane = new Map<number, number>();
  const laneOf = new Int32Array(table.size).fill(-1);
  // Routed once per conversation (or new ticket), not per note: a note takes its target's route.
  const routes = new Map<number, number | Refusal>();
  let pending = 0;

  for (let note = 0; note < table.size; note++) {
    if (input.isSettled(note) || (input.selected && !input.selected(note))) continue;
    const routeKey = table.conversation(note) ?? -1 - table.ticketNumber(note);
    let lane = routes.get(routeKey);
    if (lane === undefined) {
      const routed = route(input, note);
      if ('reason' in routed) {
        lane = routed;
      } else if (routed.kind === 'new') {
        lane = laneTargets.push(note) - 1;
      } else {
        lane = conversationLane.get(routed.facts.id);
        if (lane === undefined) {
          lane = laneTargets.push(routed) - 1;
          conversationLane.set(routed.facts.id, lane);
        }
      }
      routes.set(routeKey, lane);
    }
    if (typeof lane !== 'number') {
      rejects.push({ note, ...lane });
      continue;
    }
    laneOf[note] = lane;
    pending++;
  }

  for (const id of input.owedLinks ?? []) {
    const original = Number(id.slice('conversation:'.length));
    if (!id.startsWith('conversation:') || !Number.isSafeInteger(original) || conversationLane.has(original)) continue;
    conversationLane.set(original, laneTargets.length);
    // Its link is a courtesy: a conversation merged since turns it down (404) and the link is skipped.
    laneTargets.push({ kind: 'existing', facts: { kind: 'found', requested: original, id: original, threads: 0 } });
  }

  // Grouped by lane in one counting pass (source order kept within a lane), then each lane
  // sorted oldest first, source order breaking ties within a second: sorting a million notes
  // by lane as well took a tenth of plan's time.
  const laneStart = new Int32Array(laneTargets.length + 1);
  for (let note = 0; note < table.size; note++) {
    const lane = laneOf[note] ?? -1;
    if (lane >= 0) laneStart[lane + 1] = (laneStart[lane + 1] ?? 0) + 1;
  }
  for (let lane = 0; lane < laneTargets.length; lane++) laneStart[lane + 1] = (laneStart[lane + 1] ?? 0) + (laneStart[lane] ?? 0);
  const order = new Int32Array(pending);
  const filled = laneStart.slice(0, laneTargets.length);
  for (let note = 0; note < table.size; note++) {
    const lane = laneOf[note] ?? -1;
    if (lane >= 0) order[(filled[lane] = (filled[lane] ?? 0) + 1) - 1] = note;
  }

  const stepCounts = new Int32Array(laneTargets.length);
  const lanes = new Lanes(input, laneTargets, laneStart, order, stepCounts);
  const tally: StepTally = { notes: 0, addNoteRequests: 0, createRequests: 0, linkRequests: 0, continuations: 0 };
  for (let lane = 0; lane < lanes.length; lane++) {
    const notes = lanes.notesOf(lane);
    notes.sort((a, b) => table.epoch(a) - table.epoch(b) || a - b);
    // Planned once now for the counts and the rejects; the steps themselves are built again
    // when the lane is delivered, so a million notes never have their steps in memory at once.
    const target = lanes.targetOf(lane);
    if (target === undefined) continue;
    const { steps } = planLane(input, laneIdOf(target), target, notes, rejects);
    countSteps(tally, steps);
    stepCounts[lane] = steps.length;
  }
  return { lanes, rejects, counts: countPlan(input, lanes, tally) };
}

/** Requests and notes of the steps planned so far. */
interface StepTally {
  notes: number;
  addNoteRequests: number;
  createRequests: number;
  linkRequests: number;
  continuations: number;
}

function countSteps(tally: StepTally, steps: readonly Step[]): void {
  for (const step of steps) {
    if (step.kind === 'add-note') {
      tally.addNoteRequests++;
      tally.notes++;
    } else if (step.kind === 'link-note') tally.linkRequests++;
    else {
      tally.createRequests++;
      tally.notes += step.notes.length;
      if (step.part > 1) tally.continuations++;
    }
  }
}

/**
 * The lanes as typed arrays (where each lane's notes start in `order`) and one target each; a
 * Lane object is made when asked for, and its steps when those are. A hundred thousand lanes as
 * objects cost 30 MB of a 256 MB budget.
 */
class Lanes implements LaneList {
  constructor(
    private readonly input: PlanInput,
    private readonly targets: readonly (ExistingTarget | number)[],
    private readonly start: Int32Array,
    private readonly order: Int32Array,
    private readonly stepCounts: Int32Array,
  ) {}

  get length(): number {
    return this.targets.length;
  }

  isExisting(lane: number): boolean {
    return typeof this.targets[lane] === 'object';
  }

  targetOf(lane: number): LaneTarget | undefined {
    const target = this.targets[lane];
    return typeof target === 'number' ? { kind: 'new', ticket: this.input.table.ticket(target) } : target;
  }

  notesOf(lane: number): Int32Array {
    return this.order.subarray(this.start[lane], this.start[lane + 1]);
  }

  noteCount(lane: number): number {
    return (this.start[lane + 1] ?? 0) - (this.start[lane] ?? 0);
  }

  stepCount(lane: number): number {
    return this.stepCounts[lane] ?? 0;
  }

  at(lane: number): Lane | undefined {
    const target = this.targetOf(lane);
    if (target === undefined) return undefined;
    const { input } = this;
    const id = laneIdOf(target);
    const notes = this.notesOf(lane);
    return {
      id,
      target,
      notes,
      // Pure and deterministic: planned again, the same, each time it is asked for.
      get steps() {
        return planLane(input, id, target, notes, []).steps;
      },
    };
  }

  *[Symbol.iterator](): Iterator<Lane> {
    for (let lane = 0; lane < this.length; lane++) {
      const made = this.at(lane);
      if (made) yield made;
    }
  }
}

/** A lane is named after its target: the conversation (after merges) or the new ticket. */
function laneIdOf(target: LaneTarget): string {
  return target.kind === 'existing' ? `conversation:${target.facts.id}` : `ticket:${target.ticket}`;
}

interface Refusal {
  readonly reason: PlannedReject['reason'];
  readonly message: string;
}
type ExistingTarget = Extract<LaneTarget, { kind: 'existing' }>;
/** A new ticket's route: its lane is named after the ticket when asked for. */
const NEW_TICKET = { kind: 'new' } as const;
type Routed = ExistingTarget | typeof NEW_TICKET | Refusal;

function route(input: PlanInput, note: number): Routed {
  const { table } = input;
  const conversation = table.conversation(note);
  if (conversation !== undefined) {
    const facts = input.facts(conversation);
    if (facts.kind === 'not-found') {
      return { reason: 'conversation_not_found', message: `Help Scout conversation ${conversation} does not exist (404)` };
    }
    return { kind: 'existing', facts };
  }
  if (!table.hasCustomerEmail(note)) {
    return { reason: 'customer_email_missing', message: `ticket ${table.ticket(note)} has no Help Scout conversation and no customerEmail to create one for` };
  }
  return NEW_TICKET;
}

/** The steps for one lane's remaining notes, given what Help Scout and earlier runs tell. */
export function planLane(input: PlanInput, id: string, target: LaneTarget, notes: Int32Array, rejects: PlannedReject[]): Lane {
  const { table, options } = input;
  const history = input.history?.(id) ?? { partsCreated: 0, pendingLinks: [] };
  const first = notes[0] ?? 0;
  const subject = (): string => (target.kind === 'existing' ? target.facts.subject : undefined) ?? table.subject(first) ?? `Imported ticket ${table.ticket(first)}`;
  const customerEmail = (target.kind === 'existing' ? target.facts.customerEmail : undefined) ?? table.customerEmail(first);
  const mailboxId = (target.kind === 'existing' ? target.facts.mailboxId : undefined) ?? options.mailboxId;
  const steps: Step[] = [];

  let overflow = notes;
  let backLink: LinkTarget | undefined = history.lastPart === undefined ? undefined : { kind: 'conversation', id: history.lastPart };
  let linkFromOriginal: number | undefined;
  // A side conversation is begun once, when the lane has none yet; later notes go on in its chain.
  const side = target.kind === 'existing' && history.partsCreated === 0 && goesSide(options, notes.length);
  if (target.kind === 'existing') {
    const original = target.facts.id;
    const [first, ...more] = history.pendingLinks.map((id): LinkTarget => ({ kind: 'conversation', id }));
    if (history.side === true && first !== undefined) {
      steps.push({ kind: 'link-note', id: `side-link:${original}:${history.pendingLinks.join(',')}`, conversation: original, continuation: first, side: { more } });
    } else {
      for (const continuation of history.pendingLinks) {
        steps.push({ kind: 'link-note', id: `link:${original}:${continuation}`, conversation: original, continuation: { kind: 'conversation', id: continuation } });
      }
    }
  }
  // Notes go on in the lane's newest conversation while it has room: the original, or (in a
  // delta, or a resume) the last one the import created for the lane, with its thread count read
  // again since agents may have replied there. Only overflow makes a continuation, unless the
  // lane's history goes into a side conversation from the start.
  const into = side ? undefined : chainEnd(input, target, history);
  if (side) backLink = { kind: 'conversation', id: target.facts.id };
  if (into !== undefined) {
    const capacity = capacityOf(into);
    const fitsAll = notes.length <= capacity;
    const direct = fitsAll || options.overflow === 'reject' ? Math.min(capacity, notes.length) : Math.max(0, capacity - 1);
    for (const note of notes.subarray(0, direct)) {
      steps.push(new AddNoteStep(table, into.id, note));
    }
    overflow = notes.subarray(direct);
    if (overflow.length > 0 && options.overflow === 'reject') {
      for (const note of overflow) {
        rejects.push({ note, reason: 'thread_limit', message: `conversation ${into.id} is full (${into.threads} threads; Help Scout takes none past 99) and policy.overflow is "reject"` });
      }
      overflow = overflow.subarray(overflow.length);
    }
    backLink ??= { kind: 'conversation', id: into.id };
    // The slot kept free above: a note in it pointing at its continuation.
    if (capacity > 0 && !fitsAll) linkFromOriginal = into.id;
  }
  if (overflow.length > 0 && !customerEmail) {
    for (const note of overflow) {
      rejects.push({ note, reason: 'customer_email_missing', message: `conversation is full and no customer email is known to create its continuation` });
    }
    overflow = overflow.subarray(overflow.length);
  }

  const firstPartTakesAll = target.kind === 'new' && history.partsCreated === 0;
  const batches = chunkNotes(overflow, MAX_THREADS_PER_CREATE - 1, options.maxRequestBytes, (n) => table.bytes(n), firstPartTakesAll ? MAX_THREADS_PER_CREATE : MAX_THREADS_PER_CREATE - 1);
  let part = history.partsCreated + (target.kind === 'existing' ? 1 : 0);
  const sideParts: LinkTarget[] = [];
  let previous: CreateStep | undefined;
  for (const batch of batches) {
    const at = ++part;
    const sideNumber = side ? sideParts.length + 1 : undefined;
    const titled = (): string => (sideNumber !== undefined ? sideSubject(subject(), sideNumber) : continuedSubject(subject(), at));
    // What points at a step reads its id: only lanes of more than one part, or of an existing conversation, do.
    if (previous !== undefined) backLink = { kind: 'step', step: previous.id };
    const create: CreateStep = new CreateStep(table, options.importId, id, { part: at, notes: batch, customerEmail: customerEmail ?? '', mailboxId, backLink, side }, titled);
    steps.push(create);
    if (linkFromOriginal !== undefined) {
      steps.push({ kind: 'link-note', id: `link:${linkFromOriginal}:${create.id}`, conversation: linkFromOriginal, continuation: { kind: 'step', step: create.id } });
      linkFromOriginal = undefined;
    }
    if (side) sideParts.push({ kind: 'step', step: create.id });
    previous = create;
  }
  // One note in the original, once every side conversation exists: where its history went.
  const [firstSide, ...moreSides] = sideParts;
  if (side && firstSide?.kind === 'step') {
    steps.push({
      kind: 'link-note',
      id: `side-link:${target.facts.id}:${firstSide.step}`,
      conversation: target.facts.id,
      continuation: firstSide,
      side: { more: moreSides, span: { notes: overflow.length, from: table.epoch(overflow[0] ?? 0), to: table.epoch(overflow[overflow.length - 1] ?? 0) } },
    });
  }
  return { id, target, notes, steps };
}

/**
 * An add-note step whose id (from the note's key) is made only when read: plans made to count
 * requests (the plan report, the prices of DESIGN §11) never read it, and decoding half a million
 * keys was a tenth of their time.
 */
class AddNoteStep {
  readonly kind = 'add-note';

  constructor(
    private readonly table: NoteTable,
    readonly conversation: number,
    readonly note: number,
  ) {}

  private made: string | undefined;

  /** Read a few times per note when the step is delivered: made once. */
  get id(): string {
    return (this.made ??= `note:${this.table.key(this.note)}`);
  }

  toJSON(): { kind: 'add-note'; id: string; conversation: number; note: number } {
    return { kind: this.kind, id: this.id, conversation: this.conversation, note: this.note };
  }
}

/**
 * A create step whose id, tag and subject are made only when read, like AddNoteStep's id: a
 * SHA-256 and a decoded key for each of 200k new tickets were a third of `buildPlan`'s time,
 * and the report reads none of them.
 */
class CreateStep {
  readonly kind = 'create-conversation';
  readonly part: number;
  readonly notes: Int32Array;
  readonly customerEmail: string;
  readonly mailboxId: number;
  readonly backLink?: LinkTarget;
  readonly side?: boolean;
  private madeId: string | undefined;
  private madeTag: string | undefined;
  private madeSubject: string | undefined;

  constructor(
    private readonly table: NoteTable,
    private readonly importId: string,
    private readonly laneId: string,
    fields: { part: number; notes: Int32Array; customerEmail: string; mailboxId: number; backLink: LinkTarget | undefined; side: boolean },
    private readonly subjectOf: () => string,
  ) {
    this.part = fields.part;
    this.notes = fields.notes;
    this.customerEmail = fields.customerEmail;
    this.mailboxId = fields.mailboxId;
    if (fields.backLink !== undefined) this.backLink = fields.backLink;
    if (fields.side) this.side = true;
  }

  get id(): string {
    return (this.madeId ??= `create:${this.laneId}:${this.table.key(this.notes[0] ?? 0)}`);
  }

  get tag(): string {
    return (this.madeTag ??= tagFor(this.importId, this.id));
  }

  get subject(): string {
    return (this.madeSubject ??= this.subjectOf());
  }

  toJSON(): Step {
    const { kind, id, part, notes, subject, customerEmail, mailboxId, tag, backLink, side } = this;
    return { kind, id, part, notes, subject, customerEmail, mailboxId, tag, ...(backLink === undefined ? {} : { backLink }), ...(side === undefined ? {} : { side }) };
  }
}

/** Whether an existing conversation with this many notes to receive gets a side conversation. */
export function goesSide(options: PlanOptions, notes: number): boolean {
  if (options.existing === 'side') return true;
  return options.existing === 'auto' && notes >= (options.sideThreshold ?? 3);
}

function continuedSubject(subject: string, part: number): string {
  return part === 1 ? subject : `${subject} (continued, part ${part})`;
}

function sideSubject(subject: string, part: number): string {
  return part === 1 ? `History: ${subject}` : `History: ${subject} (part ${part})`;
}

/**
 * The conversation a lane's next notes go into, if any: the last part the import created for it
 * when Help Scout knows it (a part the lookup did not find, or one that is locked, is never
 * written to: the notes go into a new continuation); else an existing target that has no
 * continuation yet.
 */
function chainEnd(input: PlanInput, target: LaneTarget, history: LaneHistory): (ConversationFacts & { kind: 'found' }) | undefined {
  if (history.lastPart !== undefined) {
    const last = input.facts(history.lastPart);
    return last.kind === 'found' && !last.locked ? last : undefined;
  }
  return target.kind === 'existing' ? target.facts : undefined;
}

/** Help Scout tags are short lowercase words: import id + a hash of the step. */
export function tagFor(importId: string, stepId: string): string {
  return `hsi-${importId}-${createHash('sha256').update(stepId).digest('hex').slice(0, 12)}`;
}

function countPlan(input: PlanInput, lanes: Lanes, tally: StepTally): PlanCounts {
  let existingConversations = 0;
  const requested = new Set<number>();
  for (let note = 0; note < input.table.size; note++) {
    const conversation = input.table.conversation(note);
    if (conversation !== undefined && !input.isSettled(note) && (!input.selected || input.selected(note))) requested.add(conversation);
  }
  const sizes: number[] = [];
  for (let lane = 0; lane < lanes.length; lane++) {
    sizes.push(lanes.noteCount(lane));
    if (lanes.isExisting(lane)) existingConversations++;
  }
  sizes.sort((a, b) => a - b);
  return {
    notes: tally.notes,
    lanes: lanes.length,
    existingConversations,
    newConversations: tally.createRequests,
    continuations: tally.continuations,
    addNoteRequests: tally.addNoteRequests,
    createRequests: tally.createRequests,
    linkRequests: tally.linkRequests,
    lookupRequests: requested.size,
    maxNotesPerLane: sizes.at(-1) ?? 0,
    p95NotesPerLane: sizes[Math.min(sizes.length - 1, Math.ceil(sizes.length * 0.95) - 1)] ?? 0,
  };
}
