import { SpoolReader } from '../checkpoint/spool.ts';
import type { ImportConfig } from '../config/load.ts';
import { fingerprintsOf } from '../pipeline/fingerprints.ts';
import { indexOnce } from '../pipeline/index-once.ts';
import type { LandedColumns } from './landed-columns.ts';
import { noteSignature } from './thread-match.ts';

/**
 * The current export's view of the landed notes: the createdAt and text each was sent with,
 * read back from the spool exactly as delivery logged them in its intents. The index is the
 * one `run` builds and reuses (the same spool beside the checkpoint).
 */
export class ExportNotes {
  private constructor(
    /** Landed note → its row in the index; -1: the export no longer holds it. */
    private readonly rowOf: Int32Array,
    private readonly spoolRow: (row: number) => { offset: number; length: number },
    private readonly spool: SpoolReader,
  ) {}

  static async open(config: ImportConfig, landed: LandedColumns, onRow: (rows: number) => void): Promise<ExportNotes> {
    const spoolPath = `${config.checkpoint}.spool`;
    const { indexed } = await indexOnce(config, await fingerprintsOf(config), spoolPath, onRow);
    const { table } = indexed;
    const rowOf = new Int32Array(landed.size).fill(-1);
    for (let row = 0; row < table.size; row++) {
      const note = landed.keys.idOf(table.key(row));
      // A note edited at the source since it landed (a delta's changed_since_import) is not
      // what Help Scout holds: the export cannot vouch for it.
      const sent = note >= 0 ? landed.content(note) : 0;
      if (note >= 0 && (sent === 0 || table.content(row) === 0 || sent === table.content(row))) rowOf[note] = row;
    }
    // Only ids are read from here on: the hash slots (16 MB a million keys) can go.
    landed.keys.dropLookups();
    return new ExportNotes(rowOf, (row) => table.spool(row), new SpoolReader(spoolPath));
  }

  /** What Help Scout should show for the note, or undefined when the export no longer holds it. */
  signature(note: number): string | undefined {
    const row = this.rowOf[note] ?? -1;
    if (row < 0) return undefined;
    const payload = this.spool.read(this.spoolRow(row));
    return noteSignature(payload.createdAt, payload.text);
  }

  close(): void {
    this.spool.close();
  }
}
