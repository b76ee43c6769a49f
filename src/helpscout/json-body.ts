import { randomBytes } from 'node:crypto';

/**
 * A file's bytes in a request body, sent as the base64 string the API expects. Kept as bytes
 * until the body is written: a 10 MB file as base64 text, then inside the body's JSON text, then
 * encoded for the socket, held four copies (bench figure 11c); `jsonBody` writes it once.
 */
export class FileBytes {
  constructor(readonly bytes: Buffer) {}

  /**
   * What JSON.stringify makes of it: a size, never the bytes. JSON.stringify calls this before any
   * replacer, so `jsonBody` finds the file on its holder; anywhere else (a log) it stays short.
   */
  toJSON(): string {
    return `[${this.bytes.length} bytes]`;
  }
}

/** Bytes a slice of the file is encoded in: a multiple of 3, so the pieces join into one base64 text. */
const SLICE = 3 * 256 * 1024;

/**
 * The body's JSON as UTF-8 bytes, each FileBytes encoded straight into them. The JSON is made
 * with a placeholder per file, one no text can hold (a random nonce), then the file is written
 * where its placeholder was.
 */
export function jsonBody(body: object): Buffer {
  const files: Buffer[] = [];
  const nonce = randomBytes(12).toString('hex');
  // The replacer sees a value after its toJSON: a file is found on its holder.
  const json = JSON.stringify(body, function (this: Readonly<Record<string, unknown>>, key: string, value: unknown) {
    const original = this[key];
    if (!(original instanceof FileBytes)) return value;
    files.push(original.bytes);
    return `${nonce}:${files.length - 1}`;
  });
  if (files.length === 0) return Buffer.from(json);
  const texts = json.split(new RegExp(`${nonce}:\\d+`));
  const size = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) + files.reduce((sum, file) => sum + Math.ceil(file.length / 3) * 4, 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  texts.forEach((text, i) => {
    at += out.write(text, at);
    const file = files[i];
    if (file === undefined) return;
    for (let from = 0; from < file.length; from += SLICE) at += out.write(file.subarray(from, from + SLICE).toString('base64'), at, 'latin1');
  });
  return out;
}
