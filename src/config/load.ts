import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { issueLines } from './issue-message.ts';
import { configSchema, PLAN_BUDGETS, type ParsedConfig } from './schema.ts';
import { secretProblems } from './secret-problems.ts';

export interface RateBudget {
  /** Units (GET 1, write 2) the account may spend per window. */
  readonly units: number;
  readonly windowMs: number;
}

/** A validated config with every path absolute (resolved against the config file's folder). */
export type ImportConfig = ParsedConfig & {
  readonly configPath: string;
  readonly configDir: string;
  readonly budget: RateBudget;
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
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A credential key is already reported as such; "unknown key" on top would be noise.
      const lines = issueLines(issue, configSchema).filter((line) => !secrets.keys.has(line.slice(0, line.indexOf(':'))));
      problems.push(...lines);
    }
  }
  problems.push(...targetProblems(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const configDir = dirname(configPath);
  const config = resolvePaths(parsed.data, configDir);
  const missing = missingFiles(config);
  if (missing.length > 0) throw new ConfigError(missing);
  const units = config.target.requestsPerMinute ?? PLAN_BUDGETS[config.target.plan];
  return { ...config, configPath, configDir, budget: { units, windowMs: config.target.rateWindowSeconds * 1000 } };
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

function resolvePaths(config: ParsedConfig, dir: string): ParsedConfig {
  const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(dir, p));
  const source = { ...config.source, path: resolve(dir, config.source.path) };
  const users = at(config.source.users);
  const conversationMap = at(config.source.conversationMap);
  const simulator = at(config.target.simulator);
  return {
    ...config,
    source: {
      ...source,
      ...(users === undefined ? {} : { users }),
      ...(conversationMap === undefined ? {} : { conversationMap }),
    },
    target: { ...config.target, ...(simulator === undefined ? {} : { simulator }) },
    checkpoint: resolve(dir, config.checkpoint),
    reports: resolve(dir, config.reports),
  };
}

function missingFiles(config: ParsedConfig): string[] {
  const files: [string, string | undefined][] = [
    ['source.path', config.source.path],
    ['source.users', config.source.users],
    ['source.conversationMap', config.source.conversationMap],
    ['target.simulator', config.target.simulator],
  ];
  return files.filter(([, p]) => p !== undefined && !existsSync(p)).map(([key, p]) => `${key}: file not found: ${String(p)}`);
}
