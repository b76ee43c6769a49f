import type { Reject } from '../core/reject.ts';

/** Rejects counted by reason, with the first few examples of each, for reports. */
export function rejectsByReason(rejects: readonly Pick<Reject, 'reason' | 'message' | 'origin' | 'ticket' | 'id'>[], examples = 3): { reason: string; count: number; examples: string[] }[] {
  const byReason = new Map<string, { count: number; examples: string[] }>();
  for (const r of rejects) {
    let entry = byReason.get(r.reason);
    if (!entry) byReason.set(r.reason, (entry = { count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < examples) entry.examples.push(`${r.origin.file}:${r.origin.line} ${r.ticket ?? '?'}:${r.id ?? '?'} ${r.message}`);
  }
  return [...byReason].map(([reason, e]) => ({ reason, ...e })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

export function mdTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function minutesText(minutes: number): string {
  if (minutes < 1) return `${Math.ceil(minutes * 60)} s`;
  if (minutes < 120) return `${minutes.toFixed(1)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

/** Every line a report prints says so when the target is the embedded simulator. */
export function simulatedTag(simulated: boolean): string {
  return simulated ? ' [simulated]' : '';
}

export interface NoteCounts {
  readonly done: number;
  readonly rejected: number;
  readonly inDoubt: number;
  readonly left: number;
}

/** The first line of `run` and of `status`: the same four numbers, worded the same way. */
export function notesLine(prefix: string, counts: NoteCounts, doneDetail: string): string {
  return `${prefix}: ${counts.done} notes done (${doneDetail}), ${counts.rejected} rejected, ${counts.inDoubt} in doubt, ${counts.left} left`;
}
