import type { IncomingMessage } from 'node:http';

/** Past the limit the rest is read and dropped (so the client sees the 413), but only this far. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export type BodyRead =
  | { kind: 'ok'; body: Buffer }
  /** `drained: false`: the client kept sending; answer and close the connection. */
  | { kind: 'too-large'; drained: boolean }
  | { kind: 'aborted' };

const EMPTY = Buffer.alloc(0);

/** Reads a request body holding at most `maxBytes` in memory, never more. */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes + DRAIN_LIMIT_BYTES) return Promise.resolve({ kind: 'too-large', drained: false });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: BodyRead) => {
      request.removeAllListeners('data');
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else if (received > maxBytes + DRAIN_LIMIT_BYTES) finish({ kind: 'too-large', drained: false });
    });
    request.once('end', () => {
      if (received > maxBytes) finish({ kind: 'too-large', drained: true });
      else finish({ kind: 'ok', body: chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] ?? EMPTY) : Buffer.concat(chunks) });
    });
    const abort = () => {
      finish({ kind: 'aborted' });
    };
    request.once('error', abort);
    request.once('aborted', abort);
  });
}
