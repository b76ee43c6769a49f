import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Origin } from '../core/reject.ts';
import { writeFully } from '../core/write-fully.ts';
import type { AttachmentRef, NoteDraft } from '../mapper/note-draft.ts';
import { fieldsOf, type Fields } from '../readers/source-note.ts';
import { unwritable } from './unwritable.ts';

/** What is sent for one note, kept out of memory between the two passes (DESIGN §6). */
export interface NotePayload {
  readonly text: string;
  readonly createdAt: string;
  readonly user?: number;
  readonly status?: string;
  readonly attachments: readonly AttachmentRef[];
  /** Not sent: where the note came from and its original fields, for rejects.csv. */
  readonly origin: Origin;
  readonly fields: Fields;
}

export interface PayloadSink {
  /** Stores a draft's payload; returns where it is. */
  put(draft: NoteDraft): { offset: number; length: number };
  close(): void;
}

/**
 * `plan` needs sizes, not payloads: nothing is built, kept or serialised (the request sizes
 * are counted by the index pass itself). Serialising a million payloads only to count their
 * bytes cost a tenth of `plan`'s time.
 */
export function discardingSink(): PayloadSink {
  return {
    put() {
      return { offset: 0, length: 0 };
    },
    close() {
      // nothing held
    },
  };
}

/** Payloads appended to a file, written in large blocks. */
export class SpoolWriter implements PayloadSink {
  private readonly fd: number;
  private offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw unwritable('the spool', path, error, 'nothing was sent');
    }
  }

  put(draft: NoteDraft): { offset: number; length: number } {
    const payload: NotePayload = {
      text: draft.text,
      createdAt: draft.createdAt,
      ...(draft.user === undefined ? {} : { user: draft.user }),
      ...(draft.status === undefined ? {} : { status: draft.status }),
      attachments: draft.attachments,
      origin: draft.origin,
      fields: fieldsOf(draft.fields),
    };
    const bytes = Buffer.from(JSON.stringify(payload) + '\n');
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
    const at = this.offset;
    this.offset += bytes.length;
    return { offset: at, length: bytes.length - 1 };
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    try {
      writeFully(this.fd, Buffer.concat(this.pending, this.pendingBytes));
    } catch (error) {
      throw unwritable('the spool', this.path, error, 'nothing was sent');
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

export class SpoolReader {
  private readonly fd: number;
  /** One buffer for every read (grown for a bigger payload): no allocation per note. */
  private scratch = Buffer.allocUnsafe(1 << 16);
  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }
  read(at: { offset: number; length: number }): NotePayload {
    if (at.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(at.length);
    let got = 0;
    while (got < at.length) {
      const n = readSync(this.fd, this.scratch, got, at.length - got, at.offset + got);
      if (n === 0) break;
      got += n;
    }
    return JSON.parse(this.scratch.toString('utf8', 0, got)) as NotePayload;
  }
  close(): void {
    closeSync(this.fd);
  }
}
