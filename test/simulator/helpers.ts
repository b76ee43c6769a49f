import { afterEach, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SeedFile, type SimulatorOptions } from '../../src/simulator/index.ts';

/** A clock the test moves by hand: windows and expiries without sleeping. */
export class ManualClock {
  constructor(public ms = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const running: RunningSimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

export interface TestSimulator extends RunningSimulator {
  /** Fetch against the simulator; redirects are not followed (301s must be seen). */
  request(path: string, init?: RequestInit): Promise<Response>;
  token(): Promise<string>;
  /** Authenticated API call with a fresh-once token; a body object is sent as JSON. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  control(method: string, path: string, body?: unknown): Promise<Response>;
}

export const DEFAULT_TEST_SEED: SeedFile = {
  rateLimit: null,
  conversations: [
    { id: 1001, subject: 'Printer on fire', customerEmail: 'c@example.com', threads: 0 },
    { id: 1002, subject: 'Two threads', customerEmail: 'd@example.com', threads: 2 },
  ],
};

export async function startTestSimulator(seed: SeedFile = DEFAULT_TEST_SEED, extra: Omit<SimulatorOptions, 'seed'> = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ ...extra, seed });
  running.push(sim);
  let cached: string | undefined;
  const request = (path: string, init: RequestInit = {}) => fetch(`${sim.url}${path}`, { redirect: 'manual', ...init });
  const token = async () => {
    const response = await request('/v2/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-app-id&client_secret=demo-app-secret',
    });
    const json = (await response.json()) as { access_token: string };
    return json.access_token;
  };
  return {
    ...sim,
    request,
    token,
    api: async (method, path, body, headers = {}) => {
      cached ??= await token();
      return request(path, {
        method,
        headers: {
          authorization: `Bearer ${cached}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    control: (method, path, body) =>
      request(`/__sim/${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      }),
  };
}

/** The `_embedded.errors` of a vnd.error body. */
export interface VndError {
  logRef: string;
  message: string;
  _embedded: { errors: { path: string; message: string; rejectedValue?: unknown; source: string }[] };
  _links: Record<string, { href: string }>;
}

export async function vndError(response: Response): Promise<VndError> {
  return (await response.json()) as VndError;
}

export const note = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  text: 'Imported from Zendesk #42',
  imported: true,
  createdAt: '2020-05-04T10:11:12Z',
  ...extra,
});

// Typed asymmetric matchers: `expect.any` is `any`, which the type-checked lint refuses.
export const anyNumber = expect.any(Number) as number;
export const anyString = expect.any(String) as string;
export const anyObject = expect.any(Object) as object;
