import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportState } from '../sources/export-state.ts';
import { mdTable } from './summary.ts';

export interface ExportReportInput {
  readonly state: ExportState;
  readonly interrupted: boolean;
  readonly configPath: string | undefined;
  /** The variable the config names for the attachment credential, if the platform's links need one. */
  readonly authEnv?: string | undefined;
}

/** The lines `export` prints and `export.md` opens with. */
export function exportLines(input: ExportReportInput): string[] {
  const { state, interrupted } = input;
  const c = state.counts;
  const failed = Object.values(c.attachmentsFailed).reduce((sum, n) => sum + n, 0);
  const lines = [
    `${state.platform} export ${state.finished ? 'finished' : interrupted ? 'interrupted: run the same command again to go on' : 'not finished'}: ${c.tickets} tickets, ${c.messages} messages`,
    `attachments: ${c.attachmentsStored} stored, ${failed} failed${failed > 0 ? ` (${Object.entries(c.attachmentsFailed).map(([r, n]) => `${n} × ${r}`).join(', ')})` : ''}`,
    `source API: ${c.requests} requests, ${c.count429} × 429, ${c.waits} waits (${(c.waitedMs / 1000).toFixed(1)} s), ${c.retries} retries, ${(c.durationMs / 1000).toFixed(1)} s`,
  ];
  if (state.warnings.length > 0) lines.push(`warnings: ${state.warnings.length} (see export.md): records may be missing there`);
  return lines;
}

/**
 * `<out>/export.md` + `export.json`: what was exported, what it cost the source's budget, and
 * anything the walk could not do. Built from the state alone, so it never holds a credential.
 */
export function writeExportReport(out: string, input: ExportReportInput): string[] {
  const { state, interrupted, configPath, authEnv } = input;
  const c = state.counts;
  const json = {
    platform: state.platform,
    origin: state.origin,
    since: state.since,
    highWater: state.highWater,
    finished: state.finished,
    interrupted,
    tickets: c.tickets,
    messages: c.messages,
    records: c.records,
    attachments: { stored: c.attachmentsStored, failedByReason: c.attachmentsFailed },
    requests: c.requests,
    count429: c.count429,
    waits: c.waits,
    waitedMs: c.waitedMs,
    retries: c.retries,
    durationMs: c.durationMs,
    warnings: state.warnings,
    importConfig: configPath ?? null,
  };
  const md = [
    '# hs-import export report',
    '',
    ...exportLines(input).map((line) => `- ${line}`),
    '',
    mdTable(['file', 'records'], Object.entries(c.records).map(([name, n]) => [name, n])),
    '',
    '## Warnings',
    '',
    state.warnings.length === 0 ? 'None: every listing was read to its end.' : state.warnings.map((w) => `- ${w}`).join('\n'),
    '',
    '## Next',
    '',
    configPath === undefined
      ? 'Run the same `hs-import export` command again: it goes on from the last saved batch.'
      : [
          `Fill in \`target.mailboxId\` in \`${configPath}\`, set \`HELPSCOUT_APP_ID\` and \`HELPSCOUT_APP_SECRET\`, then \`hs-import plan --config ${configPath}\` and \`hs-import run --config ${configPath}\`${state.since === null ? '' : ' --delta'}.`,
          ...(authEnv === undefined
            ? []
            : [`The config names \`${authEnv}\` (\`source.attachments.authEnv\`) for links not stored yet: \`run\` and \`fetch-attachments\` read the attachment credential from it (the API's \`Authorization\` value), so set it before they run, or remove \`authEnv\` when every attachment above is stored.`]),
          `A later export: \`--since ${out}\` into a new \`--out\` (it continues from ${state.highWater} and imports with \`run --delta\` against this import's checkpoint).`,
        ].join('\n\n'),
    '',
  ].join('\n');
  const files = { 'export.json': JSON.stringify(json, null, 2) + '\n', 'export.md': md };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  return Object.keys(files).map((name) => join(out, name));
}
