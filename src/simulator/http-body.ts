import type { IncomingMessage } from 'node:http';

/** Past the limit the rest is read and dropped (so the client sees the 413), but only this far. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export type BodyRead =
  | { kind: 'ok'; body: Buffer }
  /** `drained: false`: the client kept sending; answer and close the connection. */
  | { kind: 'too-large'; drained: boolean }
  | { kind: 'aborted' };

const EMPTY = Buffer.alloc(0);
const NO_BODY: BodyRead = { kind: 'ok', body: EMPTY };

/**
 * Reads a request body holding at most `maxBytes` in memory, never more. A request that
 * declares no body is answered synchronously: most API traffic is GETs, and a promise per
 * request is a measurable share of the simulator's time.
 */
export function readBody(request: IncomingMessage, maxBytes: number): BodyRead | Promise<BodyRead> {
  const { headers } = request;
  // RFC 9112 §6.3: neither Transfer-Encoding nor Content-Length means no body. node:http
  // discards an unread empty body itself when the response ends.
  if (headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0')) {
    return NO_BODY;
  }
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > maxBytes + DRAIN_LIMIT_BYTES) return { kind: 'too-large', drained: false };
  return new Promise((resolve) => {
    new BodyReader(request, maxBytes, resolve).start();
  });
}

/** One body being read; a class rather than per-request closures, which are costlier here. */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private settled = false;

  constructor(
    private readonly request: IncomingMessage,
    private readonly maxBytes: number,
    private readonly resolve: (read: BodyRead) => void,
  ) {}

  start(): void {
    this.request.on('data', this.onData);
    this.request.once('end', this.onEnd);
    this.request.once('error', this.onAbort);
    this.request.once('aborted', this.onAbort);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.received += chunk.length;
    if (this.received <= this.maxBytes) this.chunks.push(chunk);
    else if (this.received > this.maxBytes + DRAIN_LIMIT_BYTES) this.finish({ kind: 'too-large', drained: false });
  };

  private readonly onEnd = (): void => {
    if (this.received > this.maxBytes) this.finish({ kind: 'too-large', drained: true });
    else this.finish({ kind: 'ok', body: this.chunks.length === 1 ? (this.chunks[0] ?? EMPTY) : Buffer.concat(this.chunks) });
  };

  private readonly onAbort = (): void => {
    this.finish({ kind: 'aborted' });
  };

  private finish(read: BodyRead): void {
    if (this.settled) return;
    this.settled = true;
    this.request.off('data', this.onData);
    this.resolve(read);
  }
}
