import { connect } from 'node:net';

/**
 * Writes raw bytes to the simulator and collects whatever comes back until it hangs up (or
 * `waitMs` pass). For garbage that fetch refuses to send.
 */
export function rawExchange(url: string, chunks: readonly (string | Buffer)[], waitMs = 1000): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closed });
    };
    const timer = setTimeout(() => {
      done(false);
    }, waitMs);
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {
      done(true);
    });
    socket.on('close', () => {
      done(true);
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}
