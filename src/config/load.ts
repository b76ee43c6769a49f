import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { issueLines } from './issue-message.ts';
import { configSchema, PLAN_BUDGETS, redisUrlProblem, type ParsedConfig } from './schema.ts';
import { redactSecrets, secretProblems } from './secret-problems.ts';

export interface RateBudget {
  /** Units (GET 1, write 2) the account may spend per window. */
  readonly units: number;
  readonly windowMs: number;
}

/** `target.sharedBudget` resolved: the Redis URL from the config or HS_IMPORT_REDIS_URL (DESIGN §10). */
export interface SharedBudgetConfig {
  /** No password from the config; one from HS_IMPORT_REDIS_URL may be in it (HS_IMPORT_REDIS_PASSWORD is added when connecting). */
  readonly redis: string;
  readonly key: string;
}

/** A validated config with every path absolute (resolved against the config file's folder). */
export type ImportConfig = ParsedConfig & {
  readonly configPath: string;
  readonly configDir: string;
  readonly budget: RateBudget;
  readonly sharedBudget?: SharedBudgetConfig;
};

/** Loads and validates a config file; every problem is reported at once as `dot.path: message`. */
export function loadConfig(configPath: string): ImportConfig {
  const absolute = resolve(configPath);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch {
    throw new ConfigError([`config: cannot read ${absolute} (pass --config <file>)`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`config: ${absolute} is not valid JSON: ${(error as Error).message}`]);
  }
  return validateConfig(raw, absolute);
}

export function validateConfig(raw: unknown, configPath: string, env: NodeJS.ProcessEnv = process.env): ImportConfig {
  const secrets = secretProblems(raw, env);
  const problems = [...secrets.problems];
  // reportInput: the messages say what was found, and a missing key is told apart from a wrong one.
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A credential key is already reported as such; "unknown key" on top would be noise.
      const lines = issueLines(issue, configSchema).filter((line) => !secrets.keys.has(line.slice(0, line.indexOf(':'))));
      problems.push(...lines);
    }
  }
  problems.push(...targetProblems(raw));
  const shared = sharedBudgetOf(raw, env);
  problems.push(...shared.problems);
  const configDir = dirname(configPath);
  problems.push(...missingFiles(raw, configDir));
  if (!parsed.success || problems.length > 0) throw new ConfigError(redactSecrets(problems, env));
  const config = resolvePaths(parsed.data, configDir);
  const units = config.target.requestsPerMinute ?? PLAN_BUDGETS[config.target.plan];
  return { ...config, configPath, configDir, budget: { units, windowMs: config.target.rateWindowSeconds * 1000 }, ...(shared.config ? { sharedBudget: shared.config } : {}) };
}

/**
 * Where the run goes: exactly one of `baseUrl` and `simulator`. Checked on the raw input, beside
 * the schema, so it is reported together with every other problem (zod skips object-level
 * refinements once a field inside has failed).
 */
function targetProblems(raw: unknown): string[] {
  const target = (raw as { target?: unknown } | null)?.target;
  if (target === null || typeof target !== 'object') return [];
  const has = (key: string): boolean => (target as Record<string, unknown>)[key] !== undefined;
  if (!has('baseUrl') && !has('simulator')) return ['target.baseUrl: required: set baseUrl (real Help Scout) or simulator (a seed file)'];
  if (has('baseUrl') && has('simulator')) return ['target.simulator: set baseUrl or simulator, not both'];
  return [];
}

/** Where the shared budget's Redis is: the config's URL, else HS_IMPORT_REDIS_URL (checked on the raw input, beside the schema). */
function sharedBudgetOf(raw: unknown, env: NodeJS.ProcessEnv): { config?: SharedBudgetConfig; problems: string[] } {
  const target = (raw as { target?: unknown } | null)?.target;
  const shared = target !== null && typeof target === 'object' ? (target as Record<string, unknown>).sharedBudget : undefined;
  if (shared === null || typeof shared !== 'object') return { problems: [] };
  const { redis, key } = shared as Record<string, unknown>;
  // The schema reports a bad key or a bad config URL.
  if (typeof key !== 'string' || (redis !== undefined && typeof redis !== 'string')) return { problems: [] };
  if (typeof redis === 'string') return redisUrlProblem(redis) ? { problems: [] } : { config: { redis, key }, problems: [] };
  const fromEnv = env.HS_IMPORT_REDIS_URL;
  if (fromEnv === undefined || fromEnv === '') return { problems: ['target.sharedBudget.redis: required: set it (redis://host:6379/0) or HS_IMPORT_REDIS_URL in the environment'] };
  const problem = redisUrlProblem(fromEnv, true);
  return problem ? { problems: [`HS_IMPORT_REDIS_URL: ${problem}`] } : { config: { redis: fromEnv, key }, problems: [] };
}

function resolvePaths(config: ParsedConfig, dir: string): ParsedConfig {
  const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(dir, p));
  const source = { ...config.source, path: resolve(dir, config.source.path) };
  const users = at(config.source.users);
  const conversationMap = at(config.source.conversationMap);
  const userMap = at(config.source.userMap);
  const simulator = at(config.target.simulator);
  return {
    ...config,
    source: {
      ...source,
      ...(users === undefined ? {} : { users }),
      ...(conversationMap === undefined ? {} : { conversationMap }),
      ...(userMap === undefined ? {} : { userMap }),
    },
    target: { ...config.target, ...(simulator === undefined ? {} : { simulator }) },
    checkpoint: resolve(dir, config.checkpoint),
    reports: resolve(dir, config.reports),
  };
}

/** The files the config names that do not exist, looked up on the raw input so they join the schema's problems. */
function missingFiles(raw: unknown, dir: string): string[] {
  const at = (section: string, key: string): unknown => {
    const part = (raw as Record<string, unknown> | null)?.[section];
    return part !== null && typeof part === 'object' ? (part as Record<string, unknown>)[key] : undefined;
  };
  const files = [
    ['source', 'path'],
    ['source', 'users'],
    ['source', 'conversationMap'],
    ['source', 'userMap'],
    ['target', 'simulator'],
  ] as const;
  const problems: string[] = [];
  for (const [section, key] of files) {
    const value = at(section, key);
    // Wrong types and empty strings are the schema's to report.
    if (typeof value !== 'string' || value === '') continue;
    const path = resolve(dir, value);
    if (!existsSync(path)) problems.push(`${section}.${key}: file not found: ${path}`);
  }
  return problems;
}
