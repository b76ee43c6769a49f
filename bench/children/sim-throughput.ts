/**
 * `node --import tsx bench/children/sim-throughput.ts <seconds> <rounds>`: figure 7. The simulator's
 * requests/s (measureSimulatorThroughput: Get Conversation, then Create Note lanes) and the
 * baseline: a bare node:http server answering 201 on the same loopback, driven by the same
 * client (undici Pool, 16 keep-alive connections, 64 requests in flight, same duration), in the
 * same process as the simulator's measurement is. Prints one JSON line: requests/s per round.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { measureSimulatorThroughput } from '../../src/simulator/bench-throughput.ts';

const seconds = Number(process.argv[2] ?? '1.5');
const rounds = Number(process.argv[3] ?? '5');
const CONNECTIONS = 16;
const CONCURRENCY = 64;

async function bareServer(durationSeconds: number): Promise<number> {
  const server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(201, { 'content-length': '0' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 });
  const deadline = performance.now() + durationSeconds * 1000;
  let requests = 0;
  const worker = async (lane: number): Promise<void> => {
    while (performance.now() < deadline) {
      const response = await pool.request({ method: 'GET', path: `/v2/conversations/${lane + 1}`, headers: { authorization: 'Bearer x' } });
      await response.body.dump();
      if (response.statusCode !== 201) throw new Error(`bare server answered ${response.statusCode}`);
      requests += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, lane) => worker(lane)));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return Math.round(requests / elapsed);
}

// Rounds interleave bare and simulator runs: on a shared machine the load swings within seconds,
// and each kind's best round is the one least disturbed by it. A discarded warm-up first (JIT).
await bareServer(Math.min(1, seconds));
const bare: number[] = [];
const get: number[] = [];
const note: number[] = [];
for (let round = 0; round < rounds; round++) {
  bare.push(await bareServer(seconds));
  get.push((await measureSimulatorThroughput({ durationSeconds: seconds, connections: CONNECTIONS, concurrency: CONCURRENCY, kind: 'get' })).requestsPerSecond);
  note.push((await measureSimulatorThroughput({ durationSeconds: seconds, connections: CONNECTIONS, concurrency: CONCURRENCY, kind: 'note' })).requestsPerSecond);
}
process.stdout.write(JSON.stringify({ bare, get, note }) + '\n');
