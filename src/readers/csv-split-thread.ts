import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { FastEncoding, SplitRecord } from './csv-fast-split.ts';
import { CELL_STRIDE, CellCutter } from './record-cells.ts';
import { RECORD_HEAD, RELEASED, STOPPED, type SplitThreadMessage, type SplitThreadSettings } from './csv-split-protocol.ts';

/** Where the splitter's thread stopped and csv-parse takes over (see csv-reader.ts). */
export interface SplitHandover {
  readonly bytes: Buffer;
  readonly line: number;
  readonly encoding: FastEncoding;
  readonly fromStart: boolean;
  /** The file position after `bytes`: csv-parse reads on from there. */
  readonly position: number;
}

/**
 * The fast splitter on a thread of its own, for a large export: reading the file, finding its
 * records and judging which cells repeat take about a tenth of planning a million rows, and
 * with DESIGN §8's five more columns about an eighth; on their own thread they overlap the
 * mapping and planning of the rows before. This thread still makes the texts (strings cannot
 * cross threads), from the bytes and cell codes each batch brings (CellCutter).
 *
 * Batches come in order through a few slots of shared memory (SLOTS); a slot is released once
 * its texts are made, and the splitter waits for a free one, so a slow reader holds at most
 * SLOTS batches.
 */
export class SplitThread {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private readonly slots: { bytes: Buffer; cells: Int32Array }[] = [];
  private readonly cutter = new CellCutter();
  private readonly messages: SplitThreadMessage[] = [];
  private waiting: { resolve: (message: SplitThreadMessage) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private finished = false;

  constructor(path: string, encoding: FastEncoding, delimiter: string) {
    const settings: SplitThreadSettings = { path, encoding, delimiter, control: this.control.buffer };
    this.worker = startWorker(settings);
    this.worker.on('message', (message: SplitThreadMessage) => {
      if (message.kind !== 'records') this.finished = true;
      this.deliver(message);
    });
    this.worker.on('error', (error) => { this.fail(error); });
    this.worker.on('exit', (code) => {
      if (!this.finished) this.fail(new Error(`the CSV splitter's thread stopped before the end of the file (exit code ${code})`));
    });
  }

  /** The next batch of records, with their texts; or where the splitter stopped: the end, or a handover to csv-parse. */
  async next(): Promise<SplitRecord[] | SplitHandover | undefined> {
    const message = await this.nextMessage();
    switch (message.kind) {
      case 'records':
        return this.records(message);
      case 'handover':
        return { bytes: Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength), line: message.line, encoding: message.encoding, fromStart: message.fromStart, position: message.position };
      case 'end':
        return undefined;
      case 'failed':
        throw Object.assign(new Error(message.message), message.code === undefined ? {} : { code: message.code });
    }
  }

  /** Stops the splitter (the reader is done with the file, or gave up early). */
  close(): void {
    this.finished = true;
    Atomics.store(this.control, STOPPED, 1);
    Atomics.notify(this.control, RELEASED);
    void this.worker.terminate();
    // A `next` still waiting ends, so the generator awaiting it can finish.
    this.deliver({ kind: 'end' });
  }

  private records(message: Extract<SplitThreadMessage, { kind: 'records' }>): SplitRecord[] {
    if (message.bytes !== undefined && message.cells !== undefined) {
      this.slots[message.slot] = { bytes: Buffer.from(message.bytes), cells: new Int32Array(message.cells) };
    }
    const slot = this.slots[message.slot];
    if (slot === undefined) throw new Error(`the CSV splitter's thread sent a batch in slot ${message.slot}, which it never gave`);
    const { bytes, cells } = slot;
    const records: SplitRecord[] = new Array<SplitRecord>(message.records);
    let at = 0;
    for (let r = 0; r < message.records; r++) {
      const line = cells[at] as number;
      const fields = cells[at + 1] as number;
      const oneByte = cells[at + 2] === 1;
      records[r] = { kind: 'record', values: this.cutter.values(bytes, cells, at + RECORD_HEAD, fields, oneByte), line, oneByte };
      at += RECORD_HEAD + fields * CELL_STRIDE;
    }
    // The texts are made: the splitter may write the slot again.
    Atomics.add(this.control, RELEASED, 1);
    Atomics.notify(this.control, RELEASED);
    return records;
  }

  private nextMessage(): Promise<SplitThreadMessage> {
    const message = this.messages.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private deliver(message: SplitThreadMessage): void {
    const { waiting } = this;
    this.waiting = undefined;
    if (waiting === undefined) this.messages.push(message);
    else waiting.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const { waiting } = this;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}

/**
 * The compiled thread's heap: it allocates next to nothing per record (its batches are shared
 * memory), and a default heap took some 18 MB of a plan's 256.
 */
const LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } as const;

/**
 * The splitter's thread, from its script beside this one: compiled (dist/), or the TypeScript
 * source when the sources run (tests, a clone run through tsx). A thread does not take its
 * parent's loader, and tsx given in `execArgv` registers too late for the thread's first
 * script, so that script registers tsx itself and then imports the source.
 */
function startWorker(settings: SplitThreadSettings): Worker {
  const options: WorkerOptions = { workerData: settings, execArgv: [] };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./csv-split-worker.js', import.meta.url), { ...options, resourceLimits: LIMITS });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = JSON.stringify(new URL('./csv-split-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${source}); });`, { ...options, eval: true });
}
