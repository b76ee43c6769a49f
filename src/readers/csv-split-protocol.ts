/**
 * What the CSV splitter's thread (csv-split-worker.ts) and the reader's (csv-split-thread.ts)
 * say to each other. A batch is a slot of shared memory: its records' bytes, and per record its
 * line, its field count, whether it is one-byte text, then CELL_STRIDE numbers per field
 * (record-cells.ts) pointing into those bytes.
 */

import type { FastEncoding } from './csv-fast-split.ts';

export interface SplitThreadSettings {
  readonly path: string;
  readonly encoding: FastEncoding;
  readonly delimiter: string;
  /** [batches released by the reader, 1 when the reader stopped]. */
  readonly control: SharedArrayBuffer;
}

/** Batches in flight: the reader releases one when it has made its texts. */
export const SLOTS = 4;
/** Numbers before a record's cells in a batch: its line, its field count, 1 if one-byte text. */
export const RECORD_HEAD = 3;
export const RELEASED = 0;
export const STOPPED = 1;

export type SplitThreadMessage =
  | {
      readonly kind: 'records';
      readonly slot: number;
      readonly records: number;
      /** The slot's memory, when it is new (the first use, or grown for a long record). */
      readonly bytes?: SharedArrayBuffer;
      readonly cells?: SharedArrayBuffer;
    }
  | { readonly kind: 'handover'; readonly bytes: Uint8Array; readonly line: number; readonly encoding: FastEncoding; readonly fromStart: boolean; readonly position: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'failed'; readonly code: string | undefined; readonly message: string };
