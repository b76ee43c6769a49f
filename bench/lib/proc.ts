import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { REPO_DIR } from './data-dir.ts';

const TIME = '/usr/bin/time';

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** Peak RSS in MB, measured from outside (GNU time's wait4 rusage) when available. */
  readonly peakRssMb: number | undefined;
  readonly rssSource: 'outside: /usr/bin/time -v' | 'outside: /proc VmHWM' | 'none';
  readonly cpuSeconds: number | undefined;
}

export const hasGnuTime = existsSync(TIME) && process.env.BENCH_NO_GNU_TIME !== '1';

/**
 * Without GNU time: the kernel's own high-water mark (VmHWM) and CPU ticks of the child, read
 * from /proc while it runs. VmHWM is a peak, not a sample, so only the last interval before exit
 * can be missed.
 */
class ProcSampler {
  peakKb: number | undefined;
  cpuSeconds: number | undefined;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => {
      this.sample();
    }, 50);
  }
  sample(): void {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1];
      if (hwm !== undefined) this.peakKb = Math.max(this.peakKb ?? 0, Number(hwm));
      // Fields 14 and 15 (utime, stime) in clock ticks (100 a second on Linux); after the name in parens.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      this.cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the child has exited
    }
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Runs `node <args>` in the repo, under `/usr/bin/time -v` when it exists, and collects the numbers. */
export function runNode(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (text: string) => void } = {}): Promise<ChildResult> {
  const command = hasGnuTime ? TIME : process.execPath;
  const argv = hasGnuTime ? ['-v', process.execPath, ...args] : [...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: REPO_DIR, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = hasGnuTime || child.pid === undefined ? undefined : new ProcSampler(child.pid);
    child.on('exit', () => sampler?.stop());
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
      const timed = rss !== undefined;
      const peakKb = timed ? Number(rss) : sampler?.peakKb;
      resolve({
        code,
        stdout,
        stderr,
        wallMs,
        peakRssMb: peakKb === undefined ? undefined : peakKb / 1024,
        rssSource: timed ? 'outside: /usr/bin/time -v' : peakKb === undefined ? 'none' : 'outside: /proc VmHWM',
        cpuSeconds: user !== undefined && sys !== undefined ? Number(user) + Number(sys) : sampler?.cpuSeconds,
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
