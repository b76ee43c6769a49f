/**
 * The package as a user gets it (issue 20): `npm pack` the project, install the tarball into an
 * empty ES-module project with production dependencies only, then use it there: the README's
 * library example, `npx hs-import plan`, and a TypeScript consumer checked against the shipped
 * declarations. One pack, one install; the repository's own dist/ is never touched (the pack
 * builds in a copy of the project, so a concurrent test or bench reading dist/ is not disturbed).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ON_OWN_THREAD_BYTES } from '../../src/readers/csv-reader.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SETUP_TIMEOUT = 240_000;
const STEP_TIMEOUT = 120_000;

/** Not copied into the project copy that gets packed: installed or generated, never packed. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.hs-import', 'tmp', 'bench/data', 'bench/scratch-tmp']);

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// `npm test` tells its children which package they run in (npm_package_*, npm_lifecycle_*, …);
// the consumer is another package. Settings such as the registry or a CA file (npm_config_*) pass on.
const NPM_RUN_CONTEXT = /^npm_(package_|lifecycle_|command$|config_local_prefix$|config_call$)/;

const childEnv = (): NodeJS.ProcessEnv => {
  const kept = Object.entries(process.env).filter(([key]) => !NPM_RUN_CONTEXT.test(key) && key !== 'HELPSCOUT_APP_ID' && key !== 'HELPSCOUT_APP_SECRET');
  // Without credentials the embedded simulator's demo ones are used, whatever the shell holds.
  // Children run on the Node that runs the tests (Node 24 in .ci/run's second pass): `npm`, `npx`
  // and the `hs-import` bin start through `#!/usr/bin/env node`, so its folder goes first on PATH.
  return { ...Object.fromEntries(kept), PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
};

function run(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({ code, stdout, stderr });
    });
  });
}

const tail = (text: string, lines = 40): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs a step and fails with what broke: the step, the command, its exit code and output. */
async function step(what: string, command: string, args: readonly string[], cwd: string): Promise<Ran> {
  const ran = await run(command, args, cwd);
  if (ran.code !== 0) {
    throw new Error(`${what} failed (exit ${String(ran.code)}): ${[command, ...args].join(' ')} in ${cwd}\n--- stdout ---\n${tail(ran.stdout)}\n--- stderr ---\n${tail(ran.stderr)}`);
  }
  return ran;
}

/** The first ```js block of the README's "Use it as a library" section: the example users copy. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Use it as a library'));
  if (section === undefined) throw new Error('README.md has no "## Use it as a library" section');
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md "Use it as a library" has no ```js example');
  return block[1];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

const declaredDependencies = (packageJson: string): string[] => Object.keys((JSON.parse(readFileSync(packageJson, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});

let work: string;
let consumer: string;
let packed: { path: string; size: number }[];
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hs-import-package-'));
  // The project as a clone with this work tree would hold it, minus what is installed or built.
  const project = join(work, 'project');
  cpSync(REPO, project, {
    recursive: true,
    filter: (source) => {
      const path = relative(REPO, source).split('\\').join('/');
      return !NOT_COPIED.has(path) && !path.endsWith('.cpuprofile');
    },
  });
  // The build (the `prepare` script `npm pack` runs) needs the dev dependencies: the repo's own.
  symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'), 'dir');
  const pack = await step('npm pack (with the prepare script: npm run build)', 'npm', ['pack', '--json', '--pack-destination', work], project);
  const json = pack.stdout.slice(pack.stdout.indexOf('['));
  const [info] = JSON.parse(json) as { filename: string; files: { path: string; size: number }[] }[];
  if (!info) throw new Error(`npm pack printed no package: ${pack.stdout}`);
  packed = info.files;
  tarball = join(work, info.filename);

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'hs-import-consumer', private: true, type: 'module' }, null, 2)}\n`);
  await step('installing the tarball with production dependencies only', 'npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', tarball], consumer);
  // The embedded simulator's seed and the demo export, and the repository's demo config.
  cpSync(join(REPO, 'fixtures'), join(consumer, 'fixtures'), { recursive: true });
  cpSync(join(REPO, 'import.config.json'), join(consumer, 'import.config.json'));
}, SETUP_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package as installed from its tarball', () => {
  test('the tarball holds the compiled library, its declarations and the bin; no sources, tests, bench or fixtures', () => {
    const paths = packed.map((file) => file.path);
    expect(paths, 'missing from the tarball').toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/hs-import.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']));
    const unwanted = paths.filter((path) => /^(src|test|bench|fixtures|\.ci)\//.test(path) || path.endsWith('.map') || path.endsWith('.ts') !== path.endsWith('.d.ts'));
    expect(unwanted, 'files that should not ship').toEqual([]);
    // Every compiled module has its declarations next to it.
    const undeclared = paths.filter((path) => path.startsWith('dist/') && path.endsWith('.js') && !paths.includes(path.replace(/\.js$/, '.d.ts')));
    expect(undeclared, 'compiled modules without a .d.ts').toEqual([]);
  });

  test('production install: no TypeScript loader or dev tool, and every declared dependency is imported', () => {
    const installed = join(consumer, 'node_modules');
    const devOnly = ['tsx', 'typescript', 'vitest', 'eslint', 'esbuild', 'puppeteer-core', '@types/node'].filter((name) => existsSync(join(installed, name)));
    expect(devOnly, 'dev dependencies installed with --omit=dev (a runtime dependency pulls them in?)').toEqual([]);

    const pkg = join(installed, 'hs-import');
    const compiled = filesUnder(join(pkg, 'dist'))
      .filter((path) => path.endsWith('.js'))
      .map((path) => readFileSync(join(pkg, 'dist', path), 'utf8'))
      .join('\n');
    const imported = (name: string): boolean => new RegExp(`(from |import\\()["']${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^"']*)?["']`).test(compiled);
    const unused = declaredDependencies(join(pkg, 'package.json')).filter((name) => !imported(name));
    expect(unused, 'declared in dependencies but imported nowhere in dist/').toEqual([]);
  });

  test('the README library example runs: plan, run with onProgress, read the result', async () => {
    const example = readmeExample();
    expect(example, 'the README example imports the package by name').toContain("from 'hs-import'");
    writeFileSync(join(consumer, 'readme-example.mjs'), example);
    const ran = await step('the README library example', process.execPath, ['readme-example.mjs'], consumer);

    const plan = /plan: (\d+) notes, (\d+) requests/.exec(ran.stdout);
    expect(plan, `the example printed no plan line:\n${ran.stdout}`).not.toBeNull();
    const notes = Number(plan?.[1]);
    expect(notes).toBeGreaterThan(0);
    // onProgress was called through to the end of the run.
    const phases = new Set([...ran.stdout.matchAll(/\r(\w+): \d+\/\d+ notes/g)].map((match) => match[1]));
    expect([...phases], `onProgress phases seen:\n${JSON.stringify(ran.stdout)}`).toEqual(expect.arrayContaining(['index', 'deliver', 'finish']));
    const result = /run: (\d+) done, (\d+) rejected, (\d+) in doubt, (\d+) left/.exec(ran.stdout);
    expect(result, `the example printed no result line:\n${ran.stdout}`).not.toBeNull();
    const [done, rejected, inDoubt, left] = (result ?? []).slice(1).map(Number);
    expect({ inDoubt, left }).toEqual({ inDoubt: 0, left: 0 });
    expect((done ?? 0) + (rejected ?? 0), 'every planned note done or rejected').toBeGreaterThanOrEqual(notes);
    expect(done).toBe(notes);
    // It ran against the embedded simulator the config names: its checkpoint is in the consumer.
    expect(existsSync(join(consumer, '.hs-import', 'checkpoint.jsonl'))).toBe(true);
  }, STEP_TIMEOUT);

  test('npx hs-import plan runs from the installed package (compiled, no tsx)', async () => {
    const config = JSON.parse(readFileSync(join(consumer, 'import.config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(consumer, 'cli.config.json'), JSON.stringify({ ...config, checkpoint: '.cli/checkpoint.jsonl', reports: '.cli/reports' }));
    // --no: the local bin or a failure, never a download.
    const ran = await step('npx hs-import plan', 'npx', ['--no', '--', 'hs-import', 'plan', '--config', 'cli.config.json'], consumer);
    expect(ran.stdout).toContain('[simulated]');
    expect(existsSync(join(consumer, '.cli', 'reports', 'plan.md')), 'plan.md written').toBe(true);
    const plan = JSON.parse(readFileSync(join(consumer, '.cli', 'reports', 'plan.json'), 'utf8')) as { notesToImport?: number };
    expect(plan.notesToImport, 'plan.json notesToImport').toBeGreaterThan(0);
  }, STEP_TIMEOUT);

  test('npx hs-import plan reads a large CSV on the compiled splitter thread (its script in dist/, its small heap), csv-parse taking over near the end', async () => {
    const lines = ['ticket,id,createdAt,text,customerEmail,authorEmail,kind'];
    let bytes = lines[0]?.length ?? 0;
    for (let i = 0; bytes <= ON_OWN_THREAD_BYTES + 4096; i++) {
      const line = `T${i % 5000},${i},2024-01-01T00:00:00Z,message ${i} about an order,c${i % 5000}@example.com,${i % 2 ? `c${i % 5000}@example.com` : 'agent@example.com'},${i % 2 ? 'customer' : 'reply'}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    // A stray quote in the last rows: the thread hands the rest of the file over to csv-parse.
    lines.push('T1,stray,2024-01-01T00:00:00Z,a "stray" quote,c1@example.com,c1@example.com,customer');
    writeFileSync(join(consumer, 'large.csv'), `${lines.join('\n')}\n`);
    const config = JSON.parse(readFileSync(join(consumer, 'import.config.json'), 'utf8')) as { source: Record<string, unknown> };
    writeFileSync(join(consumer, 'large.config.json'), JSON.stringify({ ...config, source: { ...config.source, path: 'large.csv' }, checkpoint: '.large/checkpoint.jsonl', reports: '.large/reports' }));
    await step('npx hs-import plan of a large CSV', 'npx', ['--no', '--', 'hs-import', 'plan', '--config', 'large.config.json'], consumer);
    const plan = JSON.parse(readFileSync(join(consumer, '.large', 'reports', 'plan.json'), 'utf8')) as { notesToImport?: number };
    expect(plan.notesToImport).toBe(lines.length - 1);
  }, STEP_TIMEOUT);

  test('a TypeScript consumer type-checks against the shipped declarations (and a wrong use does not)', async () => {
    const good = `import {
  ConfigError, HsImportError, importStatus, loadConfig, planImport, runImport, startSimulator, validateConfig, verifyImport,
  type ImportConfig, type NoteResult, type PlanResult, type RunProgress, type RunResult, type VerifyResult,
} from 'hs-import';

const config: ImportConfig = loadConfig('import.config.json');
const again: ImportConfig = validateConfig({ ...config }, config.configPath);
const plan: PlanResult = await planImport(again, { limit: 5 });
const seen: RunProgress[] = [];
const result: RunResult = await runImport(config, { onProgress: (progress) => seen.push(progress), signal: new AbortController().signal });
const notes: NoteResult[] = [...result.results()];
const verified: VerifyResult = await verifyImport(config, { sample: 1, onProgress: ({ phase }) => phase });
const sim = await startSimulator({ seedPath: 'fixtures/helpscout/seed.json' });
await sim.close();
const left: number = (importStatus(config).left ?? 0) + plan.estimate.requests.total + verified.notes.landed + notes.length;
const error: HsImportError = new ConfigError(['config: x']);
console.log(left, error.message, seen.length);
`;
    const bad = `import { planImport, runImport, loadConfig } from 'hs-import';
const config = loadConfig('import.config.json');
const plan = await planImport(config);
const notes: string = plan.notes;
await runImport(config, { onProgress: (progress: { phase: number }) => progress });
console.log(notes);
`;
    writeFileSync(join(consumer, 'good.ts'), good);
    writeFileSync(join(consumer, 'bad.ts'), bad);
    // A strict Node project, @types/node from the repository (typescript is not installed here),
    // the shipped .d.ts checked too (skipLibCheck off). One program for both files: one tsc start.
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules', '@types')],
        },
        files: ['good.ts', 'bad.ts'],
      }),
    );
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], consumer);
    const errors = checked.stdout.split('\n').filter((line) => line.includes('error TS'));
    // Nothing but the deliberate mistakes: the right use and the declarations themselves check.
    expect(errors.filter((line) => !line.startsWith('bad.ts(')), `type errors against the shipped declarations (tsc exit ${String(checked.code)}):\n${checked.stdout}${checked.stderr}`).toEqual([]);
    // The declarations are real types, not `any`: a wrong use is an error.
    expect(errors.map((line) => /^bad\.ts\((\d+),/.exec(line)?.[1]), `a wrong use type-checked:\n${checked.stdout}`).toEqual(['4', '5']);
    expect(checked.code).not.toBe(0);
  }, STEP_TIMEOUT);
});
