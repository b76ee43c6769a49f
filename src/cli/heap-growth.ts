import { setFlagsFromString } from 'node:v8';

/**
 * How far past what survived its last full collection V8 lets the old heap grow before it
 * collects again, in percent. V8's own factor goes up to 4×: in a 1M-note run about 50 MB
 * survive, and the heap grew to 180 MB, mostly garbage promoted by requests in flight, before
 * a full collection (run peak 337 MiB RSS). Bounded, it stays near 100 MB (peak 240 MiB).
 */
const HEAP_GROWING_PERCENT = 25;

/**
 * Bounds heap growth for this process. Set at run time, not on the command line, so it holds
 * however the CLI is started (bin/hs-import.js, `node dist/cli/main.js`, npx): V8 reads the
 * flag at every full collection.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
