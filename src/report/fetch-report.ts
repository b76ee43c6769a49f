import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FetchSummary } from '../attachments/fetch-pass.ts';
import type { WrittenReport } from './run-report.ts';
import { mdTable } from './summary.ts';

/** The one-line summary `fetch-attachments` prints and `run` repeats in its report. */
export function fetchLine(summary: FetchSummary): string {
  const failed = failedTotal(summary);
  const reasons = Object.entries(summary.failedByReason).map(([reason, n]) => `${n} × ${reason}`);
  return `attachments: ${summary.links} linked files (${summary.inlineImages} inline images): ${summary.fetched} fetched (${summary.bytesFetched} bytes), ${summary.alreadyStored} already stored, ${failed} failed${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}

/**
 * fetch.json and fetch.md (DESIGN §9). Links appear without their query string: a presigned
 * signature is a credential of its own, and the Authorization value is never in a summary at all.
 */
export function writeFetchReport(dir: string, summary: FetchSummary): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const json = {
    links: summary.links,
    inlineImages: summary.inlineImages,
    fetched: summary.fetched,
    bytesFetched: summary.bytesFetched,
    alreadyStored: summary.alreadyStored,
    failed: failedTotal(summary),
    failedByReason: summary.failedByReason,
    failures: summary.failures,
    durationMs: summary.durationMs,
  };
  const md = [
    '# hs-import fetch-attachments report',
    '',
    fetchLine(summary),
    '',
    mdTable(
      ['fetched', 'already stored', 'failed', 'bytes fetched', 'duration'],
      [[summary.fetched, summary.alreadyStored, failedTotal(summary), summary.bytesFetched, `${(summary.durationMs / 1000).toFixed(1)} s`]],
    ),
    '',
    '## Failed by reason',
    '',
    json.failed === 0 ? 'None.' : mdTable(['reason', 'count'], Object.entries(summary.failedByReason).map(([reason, n]) => [reason, n])),
    '',
    `## First ${summary.failures.length} failures`,
    '',
    summary.failures.length === 0 ? 'None.' : mdTable(['ticket', 'note', 'link', 'reason', 'message'], summary.failures.map((f) => [f.ticket, f.id, f.link, f.reason, f.message])),
    '',
  ].join('\n');
  const files = { 'fetch.json': JSON.stringify(json, null, 2) + '\n', 'fetch.md': md };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { files: Object.keys(files).map((name) => join(dir, name)), lines: [fetchLine(summary)] };
}

function failedTotal(summary: FetchSummary): number {
  return Object.values(summary.failedByReason).reduce((sum, n) => sum + n, 0);
}
