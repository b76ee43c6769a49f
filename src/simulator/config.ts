import type { SeedFile, SimConfig } from './types.ts';

export const DEMO_CREDENTIAL = { appId: 'demo-app-id', appSecret: 'demo-app-secret' } as const;

const DEFAULT_CONFIG: SimConfig = {
  credentials: [DEMO_CREDENTIAL],
  // Help Scout Standard plan: 200 calls per minute.
  rateLimit: { unitsPerWindow: 200, windowSeconds: 60 },
  // 48 h, what the token endpoint answers today.
  tokens: { expiresInSeconds: 172_800, expireAfterRequests: null },
  maxBodyBytes: 10 * 1024 * 1024,
  maxAttachmentBytes: 10 * 1024 * 1024,
  faults: { seed: 1, serverErrorRate: 0, resetRate: 0, lostResponseRate: 0, latencyMs: 0, jitterMs: 0, on: 'writes' },
};

/** Fills a (validated) seed's gaps from `base`: the defaults at start, the live config for a runtime patch. */
export function resolveConfig(seed: SeedFile, base: SimConfig = DEFAULT_CONFIG): SimConfig {
  const rateLimit = seed.rateLimit === undefined ? base.rateLimit : seed.rateLimit;
  return {
    credentials: seed.credentials ?? base.credentials,
    rateLimit: rateLimit === null || rateLimit.unitsPerWindow === 0 ? null : rateLimit,
    tokens: { ...base.tokens, ...seed.tokens },
    maxBodyBytes: seed.maxBodyBytes ?? base.maxBodyBytes,
    maxAttachmentBytes: seed.maxAttachmentBytes ?? base.maxAttachmentBytes,
    faults: { ...base.faults, ...seed.faults },
  };
}
