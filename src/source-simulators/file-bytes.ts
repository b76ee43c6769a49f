import { createHash } from 'node:crypto';

/** Deterministic file content for a simulator's attachments, so a test can compare what landed byte for byte. */
export function bytesOf(name: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(name).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}
