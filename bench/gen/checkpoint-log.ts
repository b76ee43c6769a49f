import { closeSync, openSync, writeSync } from 'node:fs';
import type { DoneEvent, IntentEvent, RejectedEvent } from '../../src/checkpoint/events.ts';
import { BlockWriter, cached, dataPath } from '../lib/data-dir.ts';
import { intBetween, mulberry32, normal, type Rng } from '../lib/prng.ts';

/**
 * A checkpoint log of a big import as delivery writes it (src/checkpoint/events.ts): a header, an
 * `indexed` line, then per step an `intent` and its `done`; 85 % of steps are one note into an
 * existing conversation, the rest new conversations of 1..100 notes (as many notes as the
 * generated exports' tickets hold: median 7); a few rejects and aborts.
 */
export interface CheckpointLogSpec {
  readonly name: string;
  readonly seed: number;
  readonly events: number;
}

export interface CheckpointLogData {
  readonly path: string;
  readonly events: number;
  readonly notes: number;
  readonly bytes: number;
}

export function checkpointLog(spec: CheckpointLogSpec): CheckpointLogData & { readonly fresh: boolean } {
  const path = dataPath(`${spec.name}.jsonl`);
  return cached(dataPath(`${spec.name}.meta.json`), spec, [path], () => generate(spec, path));
}

function createSize(rng: Rng): number {
  return Math.min(100, Math.max(1, Math.round(Math.exp(Math.log(7) + 0.8 * normal(rng)))));
}

function generate(spec: CheckpointLogSpec, path: string): CheckpointLogData {
  const rng = mulberry32(spec.seed);
  const fd = openSync(path, 'w');
  const out = new BlockWriter((chunk) => writeSync(fd, chunk));
  const line = (event: object): void => {
    out.push(JSON.stringify(event) + '\n');
  };
  let at = Date.UTC(2026, 0, 1);
  line({ t: 'header', v: 1, importId: '5eed1e55', config: 'c0nf1g', input: '1npu7', at: new Date(at).toISOString() });
  line({ t: 'indexed', rows: 0, notes: 0, inputRejects: 0, at });
  let events = 2;
  let notes = 0;
  let ticket = 100_000;
  let thread = 1;
  while (events < spec.events) {
    ticket++;
    at += intBetween(rng, 1, 40);
    const r = rng();
    if (r < 0.01) {
      const rejected: RejectedEvent = { t: 'rejected', key: `${ticket}:1`, reason: 'customer_email_missing', message: 'the ticket has no customerEmail', at };
      line(rejected);
      events++;
      notes++;
      continue;
    }
    const create = r >= 0.86;
    const size = create ? createSize(rng) : 1;
    const keys = Array.from({ length: size }, (_, i) => `${ticket}:${40_000_000 + i * 7}`);
    const conversation = 2_000_000 + ticket;
    const lane = create ? `ticket:${ticket}` : `conversation:${conversation}`;
    const step = create ? `create:ticket:${ticket}:${ticket}:1` : `note:${keys[0] ?? ''}`;
    const intent: IntentEvent = create
      ? { t: 'intent', step, kind: 'create-conversation', lane, keys, tag: `hs-import-5eed1e55-${ticket}-1`, mailboxId: 1, part: 1, at }
      : { t: 'intent', step, kind: 'add-note', lane, keys, conversation, createdAt: '2023-04-05T06:07:08Z', fp: 'aaz9EFO0hmEuiijlu-P3Gs', at };
    line(intent);
    events++;
    if (events >= spec.events) break;
    if (rng() < 0.002) {
      line({ t: 'aborted', step, reason: 'api_rejected', at: at + 3 });
    } else {
      const threads = keys.map(() => thread++);
      const done: DoneEvent = { t: 'done', step, kind: intent.kind, lane, keys, conversation, threads, ...(create ? { part: 1 } : {}), via: 'ack', at: at + 3 };
      line(done);
    }
    events++;
    notes += size;
  }
  out.flush();
  closeSync(fd);
  return { path, events, notes, bytes: out.bytes };
}
