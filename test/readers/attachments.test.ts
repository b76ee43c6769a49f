import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reject } from '../../src/core/reject.ts';
import { FIXTURES, draftsOf, mapAll, sourceOf, tempDir } from './helpers.ts';

const rejectOf = (results: readonly unknown[], index: number): Reject => results[index] as Reject;

describe('attachments read from an export folder', () => {
  it('sends a file inside the export, rejects one outside or missing, and lists a URL as a link', async () => {
    const results = await mapAll(sourceOf('csv', 'csv_attachment_paths.csv'));
    const drafts = draftsOf(results);
    expect(drafts.map((d) => d.id)).toEqual(['1', '4']);
    expect(drafts[0]?.attachments).toEqual([
      { fileName: 'receipt.pdf', mimeType: 'application/pdf', path: join(FIXTURES, 'csv/attachments/receipt.pdf'), size: 29 },
    ]);
    expect(drafts[1]?.attachments).toEqual([]);
    expect(drafts[1]?.text).toContain('(no text: attachments only)');
    expect(drafts[1]?.text).toContain('<a href="https://cdn.example.com/logo.png">logo.png</a>');
    const file = join(FIXTURES, 'csv/csv_attachment_paths.csv');
    expect(rejectOf(results, 1)).toMatchObject({ reason: 'attachment_path_outside_export', field: 'attachments', origin: { file, line: 3 }, id: '2' });
    expect(rejectOf(results, 2)).toMatchObject({ reason: 'attachment_not_found', field: 'attachments', origin: { file, line: 4 }, id: '3' });
    expect(rejectOf(results, 4)).toMatchObject({ reason: 'invalid_field', field: 'attachments', origin: { file, line: 6 }, id: '5' });
  });

  it('rejects a symlink inside the export that leads out of it, without reading the target', async () => {
    const root = tempDir();
    const exportDir = join(root, 'export');
    mkdirSync(exportDir);
    writeFileSync(join(root, 'secret.txt'), 'not for Help Scout');
    symlinkSync(join(root, 'secret.txt'), join(exportDir, 'innocent.txt'));
    writeFileSync(join(exportDir, 'notes.csv'), 'ticket,id,createdAt,text,attachments\n1,1,2024-01-01T00:00:00Z,hi,"[""innocent.txt""]"\n');
    const results = await mapAll(sourceOf('csv', join(exportDir, 'notes.csv')));
    expect(rejectOf(results, 0)).toMatchObject({ reason: 'attachment_path_outside_export', field: 'attachments' });
    expect(rejectOf(results, 0).message).toContain('secret.txt');
  });

  it('rejects a file over source.maxAttachmentBytes as attachment_too_large', async () => {
    const results = await mapAll(sourceOf('csv', 'csv_attachment_paths.csv', { maxAttachmentBytes: 28 }));
    expect(rejectOf(results, 0)).toMatchObject({ reason: 'attachment_too_large', field: 'attachments', id: '1' });
  });
});
