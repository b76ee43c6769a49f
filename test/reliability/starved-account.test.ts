import { afterEach, describe, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
});

describe('an account that gives less than the run needs', () => {
  it('an account whose budget drops below one write per window for a while: the run waits, then finishes (no hang)', async () => {
    env = await importEnv(generateRows(2, 4, (t) => ({ conversation: 60 + t })), { conversations: [{ id: 60 }, { id: 61 }], rateLimit: { unitsPerWindow: 400, windowSeconds: 1 } }, { target: { rateWindowSeconds: 1, requestsPerMinute: 400 } });
    const sim = env.sim;
    let squeezed = false;
    const result = await Promise.race([
      runImport(env.config, {
        env: ENV,
        onProgress: (p) => {
          if (!squeezed && p.phase === 'deliver' && p.done >= 2) {
            squeezed = true;
            const before = sim.state.config.rateLimit;
            sim.state.config = { ...sim.state.config, rateLimit: { unitsPerWindow: 1, windowSeconds: 1 } };
            setTimeout(() => { sim.state.config = { ...sim.state.config, rateLimit: before }; }, 1500);
          }
        },
      }),
      new Promise<'still waiting after 20 s'>((resolve) => setTimeout(() => { resolve('still waiting after 20 s'); }, 20_000).unref()),
    ]);
    expect(typeof result === 'string' ? result : result.counts.done).toBe(8);
  }, 30_000);

  it('tokens that each last fewer requests than are in flight: renewed as often as needed, the run does not abort auth_failed', async () => {
    const conversations = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ id: 60 + i }));
    env = await importEnv(generateRows(8, 4, (t) => ({ conversation: 60 + t })), { conversations, tokens: { expireAfterRequests: 4 } });
    const result = await runImport(env.config, { env: ENV });
    expect(result.counts).toMatchObject({ done: 32, rejected: 0, inDoubt: 0 });
  });
});
