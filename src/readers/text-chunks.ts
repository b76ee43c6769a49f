import { StringDecoder } from 'node:string_decoder';
import { openChunks, readFailure } from './input-file.ts';

export type TextEncoding = 'utf8' | 'utf16le' | 'latin1';

/**
 * Bytes decoded at a time. A decoded chunk of 128 KB or more is a V8 large object: it lives in
 * old space until the next full GC, and so does every line sliced from it. 32 KB of bytes make
 * at most 64 KB of string (two-byte text), short-lived young garbage instead.
 */
const DECODE_BYTES = 32 * 1024;

/**
 * The file as decoded text chunks, byte order mark removed. StringDecoder holds back a
 * character split across two chunks, so multi-byte text survives any chunk boundary.
 */
export async function* textChunks(path: string, encoding: TextEncoding, key: string): AsyncGenerator<string> {
  // The decoder copies what it holds back of a chunk (a character cut in two): buffers can be reused.
  const input = openChunks(path, key);
  const decoder = new StringDecoder(encoding);
  let first = true;
  try {
    for await (const bytes of input) {
      for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
        let text = decoder.write(bytes.subarray(at, at + DECODE_BYTES));
        if (first && text.length > 0) {
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          first = false;
        }
        if (text.length > 0) yield text;
      }
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } catch (error) {
    throw readFailure(error, path, key);
  } finally {
    await input.return();
  }
}
