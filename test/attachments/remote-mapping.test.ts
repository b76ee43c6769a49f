import { describe, expect, it } from 'vitest';
import type { RemoteState } from '../../src/mapper/remote-attachments.ts';
import { asDraft, asReject, mapperWith, note } from '../mapper/helpers.ts';

const STORED: RemoteState = { kind: 'stored', path: '/state/attachments/abc', size: 10, mimeType: 'image/png' };
const GONE: RemoteState = { kind: 'failed', reason: 'attachment_unavailable', message: 'HTTP 404' };

/** A mapper whose store knows `known` (anything else: never fetched). */
function mapper(known: Record<string, RemoteState>, missingAttachment: 'note' | 'reject' = 'note'): ReturnType<typeof mapperWith> {
  return mapperWith({
    remote: { hosts: ['desk.example.com'], lookup: (link) => known[link] ?? { kind: 'failed', reason: 'attachment_unavailable', message: 'not fetched' }, missingAttachment },
  });
}

describe('linked attachments in the mapper (DESIGN §9)', () => {
  it('a stored link becomes a file of the store, named as the export names it', () => {
    const draft = asDraft(mapper({ 'https://desk.example.com/a/1': STORED })(note({ attachments: [{ url: 'https://desk.example.com/a/1', fileName: 'logo.png' }] })));
    expect(draft.attachments).toEqual([{ fileName: 'logo.png', mimeType: 'image/png', path: '/state/attachments/abc', size: 10 }]);
    expect(draft.text).not.toContain('not imported');
  });

  it('an <img> on a listed host or naming an attachment of the message is attached and replaced by [image: NAME]; others stay', () => {
    const html = '<p>see <img src="https://desk.example.com/inline/shot.png?x=1&amp;y=2" alt="a"> and <img src=\'https://cdn.other.com/pic.gif\'> and <img src="https://files.example.net/att/9"></p>';
    const draft = asDraft(
      mapper({ 'https://desk.example.com/inline/shot.png?x=1&y=2': STORED, 'https://files.example.net/att/9': STORED })(
        note({ html: true, text: html, attachments: [{ url: 'https://files.example.net/att/9', fileName: 'scan.jpg' }] }),
      ),
    );
    expect(draft.text).toContain('[image: shot.png]');
    expect(draft.text).toContain('[image: scan.jpg]');
    expect(draft.text).toContain('<img src=\'https://cdn.other.com/pic.gif\'>');
    expect(draft.attachments.map((a) => a.fileName)).toEqual(['scan.jpg', 'shot.png']);
  });

  it('policy "note": the message keeps its text and ends with one line per missing file, naming it and the reason', () => {
    const draft = asDraft(mapper({ 'https://desk.example.com/gone': GONE })(note({ text: 'Hello', attachments: [{ url: 'https://desk.example.com/gone', fileName: 'contract <v2>.pdf' }] })));
    expect(draft.attachments).toEqual([]);
    expect(draft.text).toMatch(/Hello.*<p><em>File not imported: contract &lt;v2&gt;\.pdf \(attachment_unavailable: HTTP 404\)<\/em><\/p>$/);
  });

  it('policy "reject": the message is rejected with the reason of its first missing file', () => {
    const reject = asReject(mapper({ 'https://desk.example.com/gone': GONE }, 'reject')(note({ attachments: [{ url: 'https://desk.example.com/gone', fileName: 'a.pdf' }] })));
    expect(reject).toMatchObject({ reason: 'attachment_unavailable', field: 'attachments', message: 'a.pdf: HTTP 404' });
  });

  it('a stored file over a smaller limit set later is missing attachment_too_large, not sent', () => {
    const big: RemoteState = { kind: 'stored', path: '/state/attachments/big', size: 5000, mimeType: 'application/zip' };
    const draft = asDraft(mapper({ 'https://desk.example.com/big': big })(note({ attachments: [{ url: 'https://desk.example.com/big', fileName: 'big.zip' }] })));
    expect(draft.attachments).toEqual([]);
    expect(draft.text).toContain('File not imported: big.zip (attachment_too_large');
  });

  it('without source.attachments, links are listed in the note as before (nothing is fetched)', () => {
    const draft = asDraft(mapperWith()(note({ attachments: [{ url: 'https://desk.example.com/a/1', fileName: 'logo.png' }] })));
    expect(draft.attachments).toEqual([]);
    expect(draft.text).toContain('Attachments not imported');
  });
});
