import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPO_DIR } from './data-dir.ts';

const TIME = '/usr/bin/time';

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** Peak RSS in MB, measured from outside (GNU time's wait4 rusage) when available. */
  readonly peakRssMb: number | undefined;
  readonly rssSource: 'outside: /usr/bin/time -v' | 'none';
  readonly cpuSeconds: number | undefined;
}

export const hasGnuTime = existsSync(TIME);

/** Runs `node <args>` in the repo, under `/usr/bin/time -v` when it exists, and collects the numbers. */
export function runNode(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (text: string) => void } = {}): Promise<ChildResult> {
  const command = hasGnuTime ? TIME : process.execPath;
  const argv = hasGnuTime ? ['-v', process.execPath, ...args] : [...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: REPO_DIR, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      options.onStdout?.(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const wallMs = performance.now() - started;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1];
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1];
      resolve({
        code,
        stdout,
        stderr,
        wallMs,
        peakRssMb: rss === undefined ? undefined : Number(rss) / 1024,
        rssSource: rss === undefined ? 'none' : 'outside: /usr/bin/time -v',
        cpuSeconds: user === undefined || sys === undefined ? undefined : Number(user) + Number(sys),
      });
    });
  });
}

/** The last line of stdout that parses as JSON (children print their numbers as one JSON line). */
export function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line);
    } catch {
      // not the numbers line
    }
  }
  throw new Error(`child printed no JSON line:\n${stdout.slice(-2000)}`);
}
