import cliProgress from 'cli-progress';
import type { RunProgress } from '../pipeline/run-import.ts';

export interface ProgressView<P = RunProgress> {
  update(progress: P): void;
  stop(): void;
}

/** What a progress view shows of one update: a live line on a terminal, a plain line otherwise. */
export interface ProgressShape<P> {
  /** The terminal line: a cli-progress format, its fields from `bar(p).payload`. */
  readonly format: string;
  bar(p: P): { readonly value: number; readonly total: number; readonly payload: Record<string, unknown> };
  /** The plain line, after its `[12s] ` prefix. */
  line(p: P): string;
  /** Written even before `intervalMs` has passed (a new phase, the end). */
  force?(p: P): boolean;
}

/**
 * The terminal/plain setup every progress view shares: a cli-progress line on a terminal, started
 * at the first update; plain lines, at most one every `intervalMs` unless forced, otherwise (CI logs).
 */
export function shapedProgressView<P>(stream: NodeJS.WriteStream, started: number, intervalMs: number, shape: ProgressShape<P>): ProgressView<P> {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: shape.format, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    let startedBar = false;
    return {
      update(p) {
        const { value, total, payload } = shape.bar(p);
        if (!startedBar) {
          bar.start(total, value, payload);
          startedBar = true;
        }
        bar.setTotal(total);
        bar.update(value, payload);
      },
      stop() {
        if (startedBar) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (shape.force?.(p) !== true && now - last < intervalMs) return;
      last = now;
      stream.write(`[${((now - started) / 1000).toFixed(0)}s] ${shape.line(p)}\n`);
    },
    stop() {
      // plain lines need no cleanup
    },
  };
}

/** A bar on a terminal; plain lines every few seconds otherwise (CI logs). */
export function progressView(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressView {
  const started = Date.now();
  let lastPhase = '';
  return shapedProgressView<RunProgress>(stream, started, intervalMs, {
    format: '{phase} [{bar}] {value}/{total} notes | {rate}/s | ETA {etaText} | rejected {rejected} | 429s {limited}{paused}',
    bar: (p) => ({
      value: p.done,
      total: Math.max(p.total, 1),
      payload: { phase: p.phase.padEnd(9), rejected: p.rejected, limited: p.rateLimited, paused: p.paused ? ' | paused (429)' : '', rate: rate(p.done, started), etaText: eta(p, started) },
    }),
    line: (p) => `${p.phase}: ${p.done}/${p.total} notes, ${p.rejected} rejected, ${p.rateLimited} × 429${p.paused ? ', paused' : ''}, ${rate(p.done, started)} notes/s`,
    // A new phase and the end are always written.
    force: (p) => {
      const changed = p.phase !== lastPhase || p.phase === 'finish';
      lastPhase = p.phase;
      return changed;
    },
  });
}

function rate(done: number, started: number): string {
  const seconds = (Date.now() - started) / 1000;
  return seconds > 0 ? (done / seconds).toFixed(1) : '0';
}

/** Time left at the rate so far; unknown ("?") until a note is done, rather than "NaN" or "Infinity". */
function eta(p: RunProgress, started: number): string {
  const perSecond = p.done / Math.max(0.001, (Date.now() - started) / 1000);
  if (p.done === 0 || perSecond === 0) return '?';
  const seconds = Math.ceil((p.total - p.done) / perSecond);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
