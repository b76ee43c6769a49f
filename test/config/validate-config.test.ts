import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hs-import-config-'));
writeFileSync(join(dir, 'notes.csv'), 'ticket,id,createdAt,text\n');
writeFileSync(join(dir, 'seed.json'), '{}');
const configPath = join(dir, 'import.config.json');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const valid = {
  source: { format: 'csv', path: 'notes.csv' },
  target: { baseUrl: 'https://api.helpscout.net', mailboxId: 1 },
};

/** The `dot.path: message` lines a config produces (none when it is valid). */
function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    validateConfig(raw, configPath, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('config validation', () => {
  it('accepts a minimal config, fills the defaults and resolves paths against the config folder', () => {
    const config = validateConfig(valid, configPath, {});
    expect(config.source.path).toBe(join(dir, 'notes.csv'));
    expect(config.checkpoint).toBe(join(dir, '.hs-import/checkpoint.jsonl'));
    expect(config.target.plan).toBe('standard');
    expect(config.budget).toEqual({ units: 200, windowMs: 60_000 });
    expect(config.policy).toEqual({ overflow: 'continue', tooOld: 'continue', invalid: 'reject', threads: 'notes', missingAttachment: 'note', existing: 'append', sideThreshold: 3 });
  });

  it('takes the budget from requestsPerMinute over the plan', () => {
    const config = validateConfig({ ...valid, target: { ...valid.target, plan: 'pro', requestsPerMinute: 150 } }, configPath, {});
    expect(config.budget.units).toBe(150);
    expect(validateConfig({ ...valid, target: { ...valid.target, plan: 'plus' } }, configPath, {}).budget.units).toBe(400);
  });

  it('names an unknown key with the key it most likely meant', () => {
    const problems = problemsOf({ ...valid, target: { ...valid.target, mailboxID: 2 } });
    expect(problems).toEqual([expect.stringMatching(/^target\.mailboxID: unknown key \(did you mean "mailboxId"\?\)/)]);
  });

  it('gives no guess for an unknown key that resembles nothing', () => {
    const [problem] = problemsOf({ ...valid, colour: 'blue' });
    expect(problem).toMatch(/^colour: unknown key; allowed: source, target, policy, checkpoint, reports$/);
  });

  it('reports a wrong type with what was expected and what was found', () => {
    expect(problemsOf({ ...valid, target: { ...valid.target, mailboxId: '1' } })).toEqual(['target.mailboxId: expected a number, got a string "1"']);
    expect(problemsOf({ ...valid, target: { ...valid.target, mailboxId: 1.5 } })).toEqual(['target.mailboxId: must be a whole number, got 1.5']);
  });

  it('lists the allowed values of a bad enum', () => {
    expect(problemsOf({ ...valid, source: { ...valid.source, format: 'xlsx' } })).toEqual([
      'source.format: must be one of "csv", "jsonl", "zendesk", "freshdesk", "freshdesk-xml", "intercom"; got "xlsx"',
    ]);
  });

  it('refuses http:// to a host that is not loopback, and accepts it to loopback', () => {
    expect(problemsOf({ ...valid, target: { ...valid.target, baseUrl: 'http://api.helpscout.net' } })).toEqual([
      'target.baseUrl: http:// is only allowed to a loopback host (got api.helpscout.net); use https://',
    ]);
    for (const url of ['http://localhost:8080', 'http://127.0.0.1:9', 'http://[::1]:80']) {
      expect(problemsOf({ ...valid, target: { ...valid.target, baseUrl: url } })).toEqual([]);
    }
  });

  it('names a file the config points at that does not exist', () => {
    expect(problemsOf({ ...valid, source: { format: 'csv', path: 'missing.csv' } })).toEqual([`source.path: file not found: ${join(dir, 'missing.csv')}`]);
  });

  it('reports every problem at once: unknown key, wrong type, bad enum, missing file, insecure URL, missing section', () => {
    const problems = problemsOf({
      source: { format: 'xml', path: 'nowhere.csv', colums: {} },
      target: { baseUrl: 'http://example.com', mailboxId: 'one', plan: 'enterprise' },
      policy: { overflow: 'drop' },
      reports: 7,
    });
    expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).toEqual(
      ['policy.overflow', 'reports', 'source.colums', 'source.format', 'source.path', 'target.baseUrl', 'target.mailboxId', 'target.plan'].sort(),
    );
    expect(problems.find((p) => p.startsWith('source.colums'))).toContain('did you mean "columns"?');
  });

  it('asks for exactly one of baseUrl and simulator', () => {
    expect(problemsOf({ ...valid, target: { mailboxId: 1 } })).toEqual([expect.stringMatching(/^target\.baseUrl: required/)]);
    expect(problemsOf({ ...valid, target: { ...valid.target, simulator: 'seed.json' } })).toEqual(['target.simulator: set baseUrl or simulator, not both']);
  });

  it('refuses credentials in the config file without echoing them', () => {
    const problems = problemsOf({ ...valid, target: { ...valid.target, appSecret: 'hunter2-very-secret' } });
    expect(problems).toEqual(['target.appSecret: credentials do not belong in the config file; set HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET in the environment']);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses the environment secret found anywhere in the config, under any key', () => {
    const secret = 'env-secret-value-123456';
    const problems = problemsOf({ ...valid, source: { ...valid.source, delimiter: ',' }, checkpoint: `state/${secret}.jsonl` }, { HELPSCOUT_APP_SECRET: secret });
    expect(problems).toEqual(['(root): the value of HELPSCOUT_APP_SECRET appears in the config file; remove it (and rotate the secret if the file was shared)']);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('does not quote the environment secret back when it was pasted into a field that is wrong anyway', () => {
    const secret = 'env-secret-value-123456';
    const problems = problemsOf({ ...valid, source: { ...valid.source, format: secret } }, { HELPSCOUT_APP_SECRET: secret });
    expect(problems.some((p) => p.startsWith('source.format: must be one of'))).toBe(true);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('says which file it could not read, and when it is not JSON', () => {
    expect(() => loadConfig(join(dir, 'absent.json'))).toThrow(/cannot read .*absent\.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "source": ');
    expect(() => loadConfig(broken)).toThrow(ConfigError);
    try {
      loadConfig(broken);
    } catch (error) {
      expect((error as ConfigError).problems[0]).toMatch(/^config: .*broken\.json is not valid JSON/);
    }
  });
});
