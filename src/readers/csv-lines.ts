/**
 * True line numbers for csv-parse records. csv-parse's `lines` is the record's last line, except
 * that it counts a CRLF inside a quoted field as two lines; this undoes that drift and walks
 * back over the record's own line breaks to its first line, which is what a user looks for.
 */
export class CsvLineTracker {
  /** Surplus lines csv-parse has counted so far (one per quoted CRLF). */
  private surplus = 0;

  /** `firstLine`: the file's line on which csv-parse's input starts (it may take over mid-file). */
  constructor(private readonly firstLine = 1) {}

  /** First line of a record, from its values and csv-parse's `lines` at the record. */
  recordStart(values: readonly string[], reportedLines: number): number {
    let breaks = 0;
    for (const value of values) {
      if (!value.includes('\n') && !value.includes('\r')) continue;
      const crlf = countOf(value, '\r\n');
      this.surplus += crlf;
      breaks += countOf(value, '\n') + countOf(value, '\r') - crlf;
    }
    return this.firstLine - 1 + reportedLines - this.surplus - breaks;
  }

  /** Line of a record csv-parse skipped (its own break count is unknown: best effort). */
  skippedAt(reportedLines: number): number {
    return this.firstLine - 1 + reportedLines - this.surplus;
  }
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
