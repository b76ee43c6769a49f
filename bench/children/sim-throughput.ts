/**
 * `node --import tsx bench/children/sim-throughput.ts <seconds>`: figure 7. The simulator's
 * requests/s (measureSimulatorThroughput: Get Conversation, then Create Note lanes) and the
 * baseline: a bare node:http server answering 201 on the same loopback, driven by the same
 * client (undici Pool, 16 keep-alive connections, 64 requests in flight, same duration), in the
 * same process as the simulator's measurement is. Prints one JSON line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { measureSimulatorThroughput } from '../../src/simulator/bench-throughput.ts';

const seconds = Number(process.argv[2] ?? '3');
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

// A discarded warm-up (JIT, undici), then bare first and last around the simulator's runs, so a
// change in machine load shows up as a spread.
await bareServer(Math.min(1, seconds));
const bareBefore = await bareServer(seconds);
const get = await measureSimulatorThroughput({ durationSeconds: seconds, connections: CONNECTIONS, concurrency: CONCURRENCY, kind: 'get' });
const note = await measureSimulatorThroughput({ durationSeconds: seconds, connections: CONNECTIONS, concurrency: CONCURRENCY, kind: 'note' });
const bareAfter = await bareServer(seconds);
process.stdout.write(JSON.stringify({ get: get.requestsPerSecond, note: note.requestsPerSecond, bareBefore, bareAfter }) + '\n');
