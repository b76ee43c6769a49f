import cliProgress from 'cli-progress';
import type { RunProgress } from '../pipeline/run-import.ts';

export interface ProgressView {
  update(progress: RunProgress): void;
  stop(): void;
}

/** A bar on a terminal; plain lines every few seconds otherwise (CI logs). */
export function progressView(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressView {
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{phase} [{bar}] {value}/{total} notes | {rate}/s | ETA {etaText} | rejected {rejected} | 429s {limited}{paused}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(p) {
        const payload = { phase: p.phase.padEnd(9), rejected: p.rejected, limited: p.rateLimited, paused: p.paused ? ' | paused (429)' : '', rate: rate(p.done, started), etaText: eta(p, started) };
        if (!startedBar) {
          bar.start(Math.max(p.total, 1), p.done, payload);
          startedBar = true;
        }
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.done, payload);
      },
      stop() {
        if (startedBar) bar.stop();
      },
    };
  }
  let last = 0;
  let lastPhase = '';
  return {
    update(p) {
      const now = Date.now();
      if (p.phase === lastPhase && now - last < intervalMs && p.phase !== 'finish') return;
      last = now;
      lastPhase = p.phase;
      stream.write(`[${((now - started) / 1000).toFixed(0)}s] ${p.phase}: ${p.done}/${p.total} notes, ${p.rejected} rejected, ${p.rateLimited} × 429${p.paused ? ', paused' : ''}, ${rate(p.done, started)} notes/s\n`);
    },
    stop() {
      // plain lines need no cleanup
    },
  };
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
