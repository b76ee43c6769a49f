import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileBytes, jsonBody } from '../../src/helpscout/json-body.ts';

/** A Create Note body with these files, as bytes or (what the API must receive) as base64 text. */
function noteBody(files: readonly Buffer[], data: (file: Buffer) => FileBytes | string): object {
  return { text: 'café “quoted” \u2028 line [3 bytes]', imported: true, attachments: files.map((file, i) => ({ fileName: `${i}.bin`, mimeType: 'application/octet-stream', data: data(file) })) };
}
const asBytes = (file: Buffer): FileBytes => new FileBytes(file);
const asBase64 = (file: Buffer): string => file.toString('base64');

describe('request body with file bytes', () => {
  it('is byte for byte the JSON of the same body with each file in base64, at every length around the slices', () => {
    // Lengths around a multiple of 3 and around the 768 KiB slice the encoder works in.
    for (const length of [0, 1, 2, 3, 4, 786_431, 786_432, 786_433, 2_000_001]) {
      const files = [randomBytes(length)];
      expect(jsonBody(noteBody(files, asBytes)).equals(Buffer.from(JSON.stringify(noteBody(files, asBase64)))), `length ${length}`).toBe(true);
    }
  });

  it('puts several files each in its own place, and text that looks like a placeholder stays text', () => {
    const files = [randomBytes(10), randomBytes(1_000_000), randomBytes(5)];
    const body = { text: '0123456789abcdef:0 and :1', threads: files.map((bytes, i) => ({ attachments: [{ fileName: `${i}.bin`, mimeType: 'x/y', data: new FileBytes(bytes) }] })) };
    const sent = JSON.parse(jsonBody(body).toString('utf8')) as { text: string; threads: { attachments: { data: string }[] }[] };
    expect(sent.text).toBe(body.text);
    expect(sent.threads.map((t) => t.attachments[0]?.data)).toEqual(files.map(asBase64));
  });

  it('anywhere else, JSON.stringify shows a file as its size, never its bytes', () => {
    expect(JSON.stringify({ data: new FileBytes(randomBytes(1234)) })).toBe('{"data":"[1234 bytes]"}');
  });

  it('without files is the plain JSON', () => {
    const body = { text: 'hi', imported: true, createdAt: '2020-01-01T00:00:00Z' };
    expect(jsonBody(body).toString('utf8')).toBe(JSON.stringify(body));
  });
});
