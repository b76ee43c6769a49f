import { Pool } from 'undici';
import { DEMO_CREDENTIAL, startSimulator } from './index.ts';

export interface ThroughputOptions {
  /** Default 3. */
  durationSeconds?: number;
  /** Keep-alive connections, default 16. */
  connections?: number;
  /** Requests kept in flight, default 64. */
  concurrency?: number;
  /** Get Conversation (default), or per lane 90 Create Notes (under the thread cap) then GETs. */
  kind?: 'get' | 'note';
}

export interface ThroughputResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
}

/**
 * Requests per second a fresh, unlimited simulator answers on loopback over keep-alive. Only
 * the bench uses this: the simulator itself never imports client code.
 */
export async function measureSimulatorThroughput(opts: ThroughputOptions = {}): Promise<ThroughputResult> {
  const { durationSeconds = 3, connections = 16, concurrency = 64, kind = 'get' } = opts;
  // One conversation per lane, so note lanes never reach the thread cap of another's.
  const conversationIds = Array.from({ length: concurrency }, (_, i) => 1 + i);
  const simulator = await startSimulator({
    seed: {
      rateLimit: null,
      conversations: conversationIds.map((id) => ({ id, threads: 3 })),
    },
  });
  const pool = new Pool(simulator.url, { connections, pipelining: 1 });
  try {
    const tokenResponse = await pool.request({
      method: 'POST',
      path: '/v2/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CREDENTIAL.appId, client_secret: DEMO_CREDENTIAL.appSecret }).toString(),
    });
    const { access_token } = (await tokenResponse.body.json()) as { access_token: string };
    const authorization = `Bearer ${access_token}`;
    const deadline = performance.now() + durationSeconds * 1000;
    let requests = 0;
    const worker = async (lane: number): Promise<void> => {
      const id = conversationIds[lane] ?? 1;
      let notes = 0;
      while (performance.now() < deadline) {
        const note = kind === 'note' && notes < 90;
        const response = await pool.request(
          note
            ? {
                method: 'POST',
                path: `/v2/conversations/${id}/notes`,
                headers: { authorization, 'content-type': 'application/json' },
                body: JSON.stringify({ text: `note ${notes}`, imported: true, createdAt: '2020-01-01T00:00:00Z' }),
              }
            : { method: 'GET', path: `/v2/conversations/${id}`, headers: { authorization } },
        );
        await response.body.dump();
        if (response.statusCode >= 400) throw new Error(`simulator answered ${response.statusCode}`);
        notes += note ? 1 : 0;
        requests += 1;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, lane) => worker(lane)));
    const seconds = (performance.now() - started) / 1000;
    return { requests, seconds, requestsPerSecond: Math.round(requests / seconds) };
  } finally {
    await pool.close();
    await simulator.close();
  }
}
