import { dotPath } from './issue-message.ts';

/** Keys that name credentials: they belong in the environment, whatever the key is called. */
const CREDENTIAL_KEY = /secret|password|passwd|token|api_?key|app_?id|client_?id|credential|authorization|bearer/i;

const ENV_SECRETS = ['HELPSCOUT_APP_SECRET'] as const;

/**
 * Credentials live in the environment only: a config file gets shared, committed, pasted into
 * tickets. Returns the problems and the paths of the offending keys (so they are not also
 * reported as unknown keys). Values are never echoed.
 */
export function secretProblems(raw: unknown, env: NodeJS.ProcessEnv): { problems: string[]; keys: Set<string> } {
  const problems: string[] = [];
  const keys = new Set<string>();
  const walk = (value: unknown, path: readonly string[]): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const here = [...path, key];
      if (CREDENTIAL_KEY.test(key)) {
        keys.add(dotPath(here));
        problems.push(`${dotPath(here)}: credentials do not belong in the config file; set HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET in the environment`);
      } else {
        walk(child, here);
      }
    }
  };
  walk(raw, []);
  const text = JSON.stringify(raw) ?? '';
  for (const name of ENV_SECRETS) {
    const secret = env[name];
    // Short values would match by accident (and no real secret is that short).
    if (secret !== undefined && secret.length >= 8 && text.includes(JSON.stringify(secret).slice(1, -1))) {
      problems.push(`(root): the value of ${name} appears in the config file; remove it (and rotate the secret if the file was shared)`);
    }
  }
  return { problems, keys };
}

/** Problem lines quote what they found: a secret pasted into the wrong field must not be quoted back. */
export function redactSecrets(lines: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const secrets = ENV_SECRETS.map((name) => env[name]).filter((s): s is string => s !== undefined && s.length >= 8);
  // Case-insensitive: a secret pasted into a URL host comes back lowercased by the URL parser.
  const patterns = secrets.map((secret) => new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'));
  return lines.map((line) => patterns.reduce((text, pattern) => text.replace(pattern, '[redacted]'), line));
}
