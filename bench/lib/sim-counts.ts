import type { CountersSnapshot } from '../../src/simulator/index.ts';

/** API requests the simulator answered (every endpoint and status except the OAuth token endpoint). */
export function apiRequests(counters: CountersSnapshot): number {
  let total = 0;
  for (const [endpoint, byOutcome] of Object.entries(counters.requests)) {
    if (endpoint.includes('oauth2')) continue;
    for (const count of Object.values(byOutcome)) total += count;
  }
  return total;
}
