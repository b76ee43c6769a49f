import { afterEach, expect, it } from 'vitest';
import { runImport } from '../../src/pipeline/run-import.ts';
import { ENV, generateRows, importEnv, type ImportEnv } from '../helpers/import-env.ts';
import { expectEveryRowLandedOnceInOrder } from './input-accounting.ts';

let env: ImportEnv | undefined;
afterEach(async () => {
  await env?.close();
});

it('a note in doubt whose conversation is merged while it is being reconciled is found in the survivor, not rejected', async () => {
  const rows = generateRows(1, 1, () => ({ conversation: 82 }));
  // Every write is stored and its answer lost: the one note goes in doubt.
  env = await importEnv(rows, { conversations: [{ id: 82 }, { id: 83 }], faults: { seed: 1, on: 'writes', lostResponseRate: 1 } });
  const sim = env.sim;
  let lost = false;
  let merged = false;
  const result = await runImport(env.config, {
    env: ENV,
    onRequest: (e) => {
      if (e.method === 'POST' && e.status === 'network-error') lost = true;
      // Reconciliation has just resolved 82 (200): the merge lands before it lists 82's threads.
      if (lost && !merged && e.method === 'GET' && e.path === '/v2/conversations/82' && e.status === 200) {
        merged = true;
        sim.state.merge(82, 83);
      }
    },
  });
  expect(merged).toBe(true);
  expect(sim.state.conversations.get(83)?.threads.map((t) => t.body)).toEqual(['body of T0 note 0']);
  expect([...result.results()].map((r) => (r.status === 'moved' ? 'done' : r.status))).toEqual(['done']);
  expectEveryRowLandedOnceInOrder(sim, rows, result.results());
});
