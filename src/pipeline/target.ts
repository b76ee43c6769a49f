import { readFileSync } from 'node:fs';
import type { ImportConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import { HelpScoutClient, type RequestEvent } from '../helpscout/client.ts';
import { Credentials } from '../helpscout/credentials.ts';
import { connectSharedBudget, type SharedBudgetLimiter } from '../helpscout/shared-budget.ts';
import { poolTransport } from '../helpscout/transport.ts';
import { startSimulator, type RunningSimulator } from '../simulator/index.ts';

export interface Target {
  readonly client: HelpScoutClient;
  readonly baseUrl: string;
  /** Set when the run goes to the embedded simulator: every report says so. */
  readonly simulator?: RunningSimulator;
  /** Set when `target.sharedBudget` names a key: the budget shared with other processes through Redis. */
  readonly sharedBudget?: SharedBudgetLimiter;
  close(): Promise<void>;
}

export interface TargetOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly onRequest?: (event: RequestEvent) => void;
  /** The shared budget's news: Redis lost, Redis back. */
  readonly onNotice?: (message: string) => void;
}

/** The demo seed's credentials, used against the embedded simulator when the environment has none. */
const DEMO_CREDENTIALS = { appId: 'demo-app-id', appSecret: 'demo-app-secret' };

/** Connects to Help Scout, or starts the embedded simulator the config names and connects to it. */
export async function openTarget(config: ImportConfig, options: TargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const seedPath = config.target.simulator;
  const credentials = credentialsFrom(env, seedPath);
  const simulator = seedPath === undefined ? undefined : await startSimulator({ seedPath, port: 0 });
  const baseUrl = simulator?.url ?? config.target.baseUrl ?? '';
  let sharedBudget: SharedBudgetLimiter | undefined;
  try {
    sharedBudget = config.sharedBudget === undefined ? undefined : await connectSharedBudget({
      url: redisUrlWithPassword(config.sharedBudget.redis, env),
      key: config.sharedBudget.key,
      units: config.budget.units,
      windowMs: config.budget.windowMs,
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    });
  } catch (error) {
    await simulator?.close();
    throw error;
  }
  const client = new HelpScoutClient({
    transport: poolTransport(baseUrl, { connections: Math.max(8, config.target.concurrency * 2) }),
    credentials,
    rate: { units: config.budget.units, windowMs: config.budget.windowMs },
    ...(sharedBudget ? { limiter: sharedBudget } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  return {
    client,
    baseUrl,
    ...(simulator ? { simulator } : {}),
    ...(sharedBudget ? { sharedBudget } : {}),
    async close() {
      await client.close();
      await simulator?.close();
    },
  };
}

/** The password comes from the environment only (HS_IMPORT_REDIS_PASSWORD), never from the config. */
function redisUrlWithPassword(raw: string, env: NodeJS.ProcessEnv): string {
  const password = env.HS_IMPORT_REDIS_PASSWORD;
  if (password === undefined || password === '') return raw;
  const url = new URL(raw);
  url.password = password;
  return url.toString();
}

function credentialsFrom(env: NodeJS.ProcessEnv, seedPath: string | undefined): Credentials {
  const appId = env.HELPSCOUT_APP_ID;
  const appSecret = env.HELPSCOUT_APP_SECRET;
  if (appId && appSecret) return new Credentials(appId, appSecret);
  if (seedPath !== undefined) {
    const seed = JSON.parse(readFileSync(seedPath, 'utf8')) as { credentials?: { appId: string; appSecret: string }[] };
    const first = seed.credentials?.[0] ?? DEMO_CREDENTIALS;
    return new Credentials(first.appId, first.appSecret);
  }
  throw new ConfigError([
    'environment: set HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET (an app from Help Scout > Your Profile > My Apps); credentials are never read from the config file',
  ]);
}
