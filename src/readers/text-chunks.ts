import { StringDecoder } from 'node:string_decoder';
import { openInput, readFailure } from './input-file.ts';

export type TextEncoding = 'utf8' | 'utf16le' | 'latin1';

/**
 * The file as decoded text chunks, byte order mark removed. StringDecoder holds back a
 * character split across two chunks, so multi-byte text survives any chunk boundary.
 */
export async function* textChunks(path: string, encoding: TextEncoding, key: string): AsyncGenerator<string> {
  const input = openInput(path, key);
  const decoder = new StringDecoder(encoding);
  let first = true;
  try {
    for await (const bytes of input as AsyncIterable<Buffer>) {
      let text = decoder.write(bytes);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text.length > 0) yield text;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } catch (error) {
    throw readFailure(error, path, key);
  } finally {
    input.destroy();
  }
}
