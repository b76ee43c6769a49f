import type { Reject } from '../core/reject.ts';
import { csvLine } from './csv-cell.ts';

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
  const extra = ['reason', 'message', 'file', 'line', 'field'].map((name) => (seen.has(name) ? `reject_${name}` : name));
  let out = csvLine([...columns, ...extra]);
  for (const r of rejects) {
    out += csvLine([...columns.map((c) => r.fields[c]), r.reason, r.message, r.origin.file, r.origin.line, r.field]);
  }
  return out;
}
