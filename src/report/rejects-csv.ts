import type { Reject } from '../core/reject.ts';
import { csvLine } from './csv-cell.ts';

/** The columns rejects.csv adds after the original ones (prefixed `reject_` if the input has them). */
const TRAILER = ['reason', 'message', 'file', 'line', 'field'] as const;

/**
 * A header that ends like rejects.csv's: the file was written by this tool, so its cells carry
 * the formula escape (`unescapeFormula` undoes it when the file is fed back in).
 */
export function isRejectsCsvHeader(header: readonly string[]): boolean {
  const tail = header.slice(-TRAILER.length);
  return tail.length === TRAILER.length && TRAILER.every((name, i) => tail[i] === name || tail[i] === `reject_${name}`);
}

/**
 * rejects.csv: the original fields (so it can be fixed and fed again as input) followed by
 * `reason`, `message`, `file`, `line`, `field`.
 */
export function rejectsCsv(rejects: readonly Reject[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const reject of rejects) {
    for (const name of Object.keys(reject.fields)) {
      if (!seen.has(name)) {
        seen.add(name);
        columns.push(name);
      }
    }
  }
  const extra = TRAILER.map((name) => (seen.has(name) ? `reject_${name}` : name));
  let out = csvLine([...columns, ...extra]);
  for (const r of rejects) {
    out += csvLine([...columns.map((c) => r.fields[c]), r.reason, r.message, r.origin.file, r.origin.line, r.field]);
  }
  return out;
}
