import { describe, expect, it } from 'vitest';
import type { SourceAttachment } from '../../src/readers/source-note.ts';
import { asDraft, asReject, mapperWith, note } from './helpers.ts';

/** A local file the reader has looked at: `realPath` is where it really is (symlinks followed). */
function file(path: string, size: number, realPath = `/export/${path}`, extra: Partial<SourceAttachment> = {}): SourceAttachment {
  return { path, inspection: { kind: 'file', realPath, size }, ...extra };
}

describe('mapper attachments', () => {
  it('keeps a file inside the export with its real path, size and a mime type from its extension', () => {
    const draft = asDraft(mapperWith()(note({ attachments: [file('files/Report.PDF', 500), file('files/photo.jpeg', 10), file('files/README', 3)] })));
    expect(draft.attachments).toEqual([
      { fileName: 'Report.PDF', mimeType: 'application/pdf', path: '/export/files/Report.PDF', size: 500 },
      { fileName: 'photo.jpeg', mimeType: 'image/jpeg', path: '/export/files/photo.jpeg', size: 10 },
      { fileName: 'README', mimeType: 'application/octet-stream', path: '/export/files/README', size: 3 },
    ]);
  });

  it('keeps a mime type the export gave', () => {
    const draft = asDraft(mapperWith()(note({ attachments: [file('a.bin', 5, '/export/a.bin', { mimeType: 'image/png' })] })));
    expect(draft.attachments[0]?.mimeType).toBe('image/png');
  });

  it.each([
    ['../secrets.txt', 'a parent path'],
    ['files/../../etc/passwd', 'a path that climbs out'],
    ['/etc/passwd', 'an absolute path'],
  ])('rejects %j (%s) as attachment_path_outside_export', (path) => {
    const reject = asReject(mapperWith()(note({ attachments: [{ path }] })));
    expect(reject).toMatchObject({ reason: 'attachment_path_outside_export', field: 'attachments', origin: { file: '/export/notes.csv', line: 2 } });
    expect(reject.message).toContain(JSON.stringify(path));
  });

  it('rejects a path inside the export that links to a file outside it', () => {
    const reject = asReject(mapperWith()(note({ attachments: [file('innocent.png', 10, '/home/user/.ssh/id_rsa')] })));
    expect(reject).toMatchObject({ reason: 'attachment_path_outside_export', field: 'attachments' });
    expect(reject.message).toContain('/home/user/.ssh/id_rsa');
  });

  it('rejects a file over the size cap as attachment_too_large, naming both sizes', () => {
    const reject = asReject(mapperWith({ maxAttachmentBytes: 1000 })(note({ attachments: [file('big.zip', 1001)] })));
    expect(reject).toMatchObject({ reason: 'attachment_too_large', field: 'attachments' });
    expect(reject.message).toMatch(/1001 bytes, over the 1000-byte limit/);
    expect(asDraft(mapperWith({ maxAttachmentBytes: 1000 })(note({ attachments: [file('ok.zip', 1000)] }))).attachments).toHaveLength(1);
  });

  it('rejects inline base64 data over the size cap by its decoded size', () => {
    const data = Buffer.alloc(1001, 7).toString('base64');
    expect(asReject(mapperWith({ maxAttachmentBytes: 1000 })(note({ attachments: [{ fileName: 'x.bin', data }] })))).toMatchObject({
      reason: 'attachment_too_large',
    });
    const small = asDraft(mapperWith({ maxAttachmentBytes: 1000 })(note({ attachments: [{ fileName: 'x.gif', data: Buffer.alloc(1000, 7).toString('base64') }] })));
    expect(small.attachments[0]).toMatchObject({ fileName: 'x.gif', mimeType: 'image/gif', size: 1000 });
  });

  it('rejects a missing file, a folder and an empty file with their own reasons', () => {
    const map = mapperWith();
    expect(asReject(map(note({ id: '1', attachments: [{ path: 'gone.png', inspection: { kind: 'missing' } }] })))).toMatchObject({ reason: 'attachment_not_found' });
    expect(asReject(map(note({ id: '2', attachments: [{ path: 'dir', inspection: { kind: 'not-a-file' } }] })))).toMatchObject({ reason: 'attachment_invalid' });
    expect(asReject(map(note({ id: '3', attachments: [file('empty.txt', 0)] })))).toMatchObject({ reason: 'attachment_invalid' });
    expect(asReject(map(note({ id: '4', attachments: [{ fileName: 'x', data: 'not base64!' }] })))).toMatchObject({ reason: 'attachment_invalid' });
  });

  it('lists URL attachments as links in the note instead of downloading them', () => {
    const draft = asDraft(
      mapperWith()(
        note({
          attachments: [
            { url: 'https://cdn.example.com/a/invoice%202024.pdf?X-Amz-Expires=300&sig=1' },
            { url: 'https://cdn.example.com/b', fileName: 'Photo <1>.png' },
          ],
        }),
      ),
    );
    expect(draft.attachments).toEqual([]);
    expect(draft.text).toBe(
      'Hello<p>Attachments not imported (links from the original export; they may have expired):</p><ul>' +
        '<li><a href="https://cdn.example.com/a/invoice%202024.pdf?X-Amz-Expires=300&amp;sig=1">invoice 2024.pdf</a></li>' +
        '<li><a href="https://cdn.example.com/b">Photo &lt;1&gt;.png</a></li></ul>',
    );
  });

  it('never makes a non-web URL clickable', () => {
    const draft = asDraft(mapperWith()(note({ attachments: [{ url: 'javascript://alert(1)', fileName: 'click me' }] })));
    expect(draft.text).not.toContain('<a ');
    expect(draft.text).toContain('<li>click me (javascript://alert(1))</li>');
  });

  it('puts a placeholder in a note whose body is empty but which has attachments', () => {
    const map = mapperWith();
    expect(asDraft(map(note({ id: '1', text: '', attachments: [file('a.png', 4)] }))).text).toBe('<p><em>(no text: attachments only)</em></p>');
    expect(asDraft(map(note({ id: '2', text: '<p></p>', html: true, attachments: [{ url: 'https://x.example/f.txt' }] }))).text).toMatch(
      /^<p><em>\(no text: attachments only\)<\/em><\/p><p>Attachments not imported/,
    );
  });

  it('rejects the whole note when one of its attachments is bad', () => {
    const reject = asReject(mapperWith()(note({ attachments: [file('ok.png', 4), { path: '../../x' }] })));
    expect(reject).toMatchObject({ reason: 'attachment_path_outside_export', ticket: '123', id: '1' });
    expect(reject.message).toContain('attachments[1]');
  });
});
