/**
 * The CSV splitter's own thread (see csv-split-thread.ts): reads the export, finds its records
 * and judges their cells (RecordScanner), and hands them over in batches through shared memory
 * (csv-split-protocol.ts). It stops at the first record it leaves to csv-parse and hands over
 * those bytes and the file position after them. This file is the thread's script: nothing
 * imports it.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CHUNK_BYTES } from './file-chunks.ts';
import { RecordScanner } from './csv-fast-split.ts';
import { CELL_STRIDE, type RecordSink } from './record-cells.ts';
import { RECORD_HEAD, RELEASED, SLOTS, STOPPED, type SplitThreadMessage, type SplitThreadSettings } from './csv-split-protocol.ts';

const SLOT_BYTES = 512 * 1024;
const SLOT_CELLS = 64 * 1024;
/** How long a wait for a free slot lasts before the stop flag is looked at again. */
const WAIT_MS = 200;

interface Slot {
  readonly bytes: Uint8Array<SharedArrayBuffer>;
  readonly cells: Int32Array<SharedArrayBuffer>;
  /** Whether the reader has been given this memory. */
  sent: boolean;
}

/**
 * Writes the records the scanner finds into the slots, one batch a slot, and posts each batch.
 * A batch's slot is chosen, and grown for a long record, only when the batch opens: a record
 * that does not fit the open batch closes it first.
 */
class BatchWriter implements RecordSink {
  private readonly slots: Slot[] = [];
  /** The slot of the batch being written; undefined between batches. */
  private open: Slot | undefined;
  private posted = 0;
  /** Records written, in all. */
  written = 0;
  private records = 0;
  private byteAt = 0;
  private cellAt = 0;
  private readonly control: Int32Array;

  constructor(
    control: SharedArrayBuffer,
    private readonly post: (message: SplitThreadMessage) => void,
  ) {
    this.control = new Int32Array(control);
  }

  record(buf: Buffer, cells: Int32Array, fields: number, line: number, oneByte: boolean): void {
    const from = cells[0] as number;
    const bytes = (cells[(fields - 1) * CELL_STRIDE + 1] as number) - from;
    const cellCount = RECORD_HEAD + fields * CELL_STRIDE;
    if (this.open !== undefined && (this.byteAt + bytes > this.open.bytes.length || this.cellAt + cellCount > this.open.cells.length)) this.flush();
    const slot = (this.open ??= this.openBatch(bytes, cellCount));
    buf.copy(slot.bytes, this.byteAt, from, from + bytes);
    const out = slot.cells;
    let at = this.cellAt;
    out[at++] = line;
    out[at++] = fields;
    out[at++] = oneByte ? 1 : 0;
    const shift = this.byteAt - from;
    for (let c = 0; c < fields * CELL_STRIDE; c += CELL_STRIDE) {
      out[at++] = (cells[c] as number) + shift;
      out[at++] = (cells[c + 1] as number) + shift;
      out[at++] = cells[c + 2] as number;
    }
    this.cellAt = at;
    this.byteAt += bytes;
    this.records++;
    this.written++;
  }

  /** Posts the batch being written, if any. */
  flush(): void {
    const slot = this.open;
    if (slot === undefined) return;
    const fresh = slot.sent ? {} : { bytes: slot.bytes.buffer, cells: slot.cells.buffer };
    slot.sent = true;
    this.post({ kind: 'records', slot: this.posted % SLOTS, records: this.records, ...fresh });
    this.posted++;
    this.open = undefined;
    this.records = 0;
    this.byteAt = 0;
    this.cellAt = 0;
  }

  /** The next batch's slot, once the reader is done with it, with room for a first record this long. */
  private openBatch(bytes: number, cells: number): Slot {
    this.waitForFree();
    const index = this.posted % SLOTS;
    let slot = this.slots[index];
    if (slot === undefined || slot.bytes.length < bytes || slot.cells.length < cells) {
      slot = {
        bytes: new Uint8Array(new SharedArrayBuffer(Math.max(SLOT_BYTES, bytes))),
        cells: new Int32Array(new SharedArrayBuffer(Math.max(SLOT_CELLS, cells) * Int32Array.BYTES_PER_ELEMENT)),
        sent: false,
      };
      this.slots[index] = slot;
    }
    return slot;
  }

  private waitForFree(): void {
    for (;;) {
      if (Atomics.load(this.control, STOPPED) === 1) throw new Stopped();
      const released = Atomics.load(this.control, RELEASED);
      if (this.posted - released < SLOTS) return;
      Atomics.wait(this.control, RELEASED, released, WAIT_MS);
    }
  }
}

/** The reader stopped reading: the thread ends without another word. */
class Stopped extends Error {}

function run(settings: SplitThreadSettings, post: (message: SplitThreadMessage, transfer?: ArrayBuffer[]) => void): void {
  const scanner = RecordScanner.for(settings.encoding, settings.delimiter);
  if (scanner === undefined) throw new Error(`no fast splitter for ${settings.encoding} and ${JSON.stringify(settings.delimiter)}`);
  const writer = new BatchWriter(settings.control, post);
  const chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  const fd = openSync(settings.path, 'r');
  let position = 0;
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      position += read;
      const handover = read === 0 ? scanner.end(writer) : scanner.write(chunk.subarray(0, read), writer);
      writer.flush();
      if (handover !== undefined) {
        const bytes = new Uint8Array(handover);
        post({ kind: 'handover', bytes, line: scanner.line, encoding: scanner.encoding, fromStart: writer.written === 0 && scanner.line === 1, position }, [bytes.buffer]);
        return;
      }
      if (read === 0) {
        post({ kind: 'end' });
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

if (parentPort !== null) {
  const port = parentPort;
  try {
    run(workerData as SplitThreadSettings, (message, transfer) => { port.postMessage(message, transfer); });
  } catch (error) {
    if (!(error instanceof Stopped)) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ kind: 'failed', code: (error as NodeJS.ErrnoException).code, message } satisfies SplitThreadMessage);
    }
  }
}
