import { contentHash } from '../core/content-hash.ts';
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PayloadSink } from '../checkpoint/spool.ts';
import type { ImportConfig } from '../config/load.ts';
import type { Reject } from '../core/reject.ts';
import { remoteOptionsFor } from '../attachments/fetch-pass.ts';
import { createMapper, type Mapper, type MapperOptions } from '../mapper/index.ts';
import type { NoteDraft } from '../mapper/note-draft.ts';
import { NoteTable } from '../plan/note-table.ts';
import { openReader } from '../readers/index.ts';

export interface IndexedSource {
  readonly table: NoteTable;
  /** Rows the reader or mapper refused, in source order. */
  readonly rejects: readonly Reject[];
  /** Rows read: notes plus rejects. */
  readonly rowsRead: number;
}

/**
 * Pass 1 (DESIGN §6): stream the export through reader and mapper once; payloads go to the
 * sink, the table keeps a compact record per note.
 */
export async function indexSource(
  config: ImportConfig,
  sink: PayloadSink,
  now: number,
  onRow?: (rows: number) => void,
  remote: MapperOptions['remote'] = remoteOptionsFor(config, 'failed'),
): Promise<IndexedSource> {
  const table = new NoteTable();
  // The table keeps the keys (packed): the mapper checks duplicates against it.
  const mapNote = sourceMapper(config.source, now, { has: (key) => table.hasKey(key) }, remote);
  const rejects: Reject[] = [];
  let rowsRead = 0;
  try {
    for await (const item of openReader(config.source)) {
      rowsRead++;
      if (item.kind === 'reject') {
        rejects.push(item.reject);
      } else {
        const mapped = mapNote(item.note);
        if ('reason' in mapped) rejects.push(mapped);
        else addDraft(table, sink, mapped);
      }
      if (onRow && rowsRead % 10_000 === 0) onRow(rowsRead);
    }
  } finally {
    sink.close();
  }
  table.finishAdding();
  return { table, rejects, rowsRead };
}

/** The mapper for this export's settings; `accepted` holds the keys of the drafts kept so far. */
export function sourceMapper(source: ImportConfig['source'], now: number, accepted: MapperOptions['accepted'], remote?: MapperOptions['remote']): Mapper {
  return createMapper({
    ...(remote === undefined ? {} : { remote }),
    now,
    attribution: source.attribution,
    maxAttachmentBytes: source.maxAttachmentBytes,
    exportDir: realpathSync(dirname(source.path)),
    ...(source.timezone === undefined ? {} : { timezone: source.timezone }),
    ...(accepted === undefined ? {} : { accepted }),
  });
}

function addDraft(table: NoteTable, sink: PayloadSink, draft: NoteDraft): void {
  const at = sink.put(draft);
  // As sent: the text, attachments in base64, and the JSON around them.
  const bytes = Buffer.byteLength(draft.text) + draft.attachments.reduce((sum, a) => sum + Math.ceil(a.size / 3) * 4 + 128, 0) + 96;
  table.add({
    key: draft.key,
    ticket: draft.ticket,
    conversation: draft.conversation,
    epoch: draft.epoch,
    bytes,
    spoolOffset: at.offset,
    spoolLength: at.length,
    line: draft.origin.line,
    customerEmail: draft.customerEmail,
    subject: draft.subject,
    content: contentHash(draft.epoch, draft.text),
    authorEmail: draft.authorEmail,
    kind: draft.kind,
    tags: draft.tags,
    ticketStatus: draft.ticketStatus,
    customerName: draft.customerName,
  });
}
