import type { ExportProgress } from '../sources/export-run.ts';
import { shapedProgressView, type ProgressView } from './progress.ts';

export type ExportProgressView = ProgressView<ExportProgress>;

/**
 * `export`'s progress: records, attachments and the source's budget. The walk's length is not
 * known in advance (the APIs give no total for a cursor walk), so the line counts, with no bar.
 * A live line on a terminal; plain lines every few seconds otherwise (CI logs).
 */
export function exportProgressView(stream: NodeJS.WriteStream, intervalMs = 5000): ExportProgressView {
  const started = Date.now();
  const fields = (p: ExportProgress): Record<string, string | number> => {
    const failed = Object.values(p.counts.attachmentsFailed).reduce((sum, n) => sum + n, 0);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return {
      tickets: p.counts.tickets,
      messages: p.counts.messages,
      rate: (p.counts.tickets / seconds).toFixed(1),
      stored: p.counts.attachmentsStored,
      failed,
      pending: p.attachmentsPending,
      remaining: p.budget.remaining ?? '?',
      waits: p.budget.waits,
      limited: p.budget.count429,
    };
  };
  return shapedProgressView(stream, started, intervalMs, {
    format: 'export | {tickets} tickets, {messages} messages ({rate} tickets/s) | attachments {stored} stored, {failed} failed, {pending} pending | source: {remaining} left, {waits} waits, {limited} × 429',
    bar: (p) => ({ value: 0, total: 1, payload: fields(p) }),
    line: (p) => {
      const f = fields(p);
      return `export: ${f.tickets} tickets, ${f.messages} messages, attachments ${f.stored} stored / ${f.failed} failed / ${f.pending} pending, source ${f.remaining} left, ${f.waits} waits, ${f.limited} × 429`;
    },
  });
}
