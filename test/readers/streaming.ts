import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openReader } from '../../src/readers/index.ts';
import { sourceOf, tempDir, type Source } from './helpers.ts';

/** Writes a canonical CSV of `rows` notes (about 200 bytes each, some quoted with commas) in a temp folder. */
async function generateCsv(rows: number): Promise<{ path: string; bytes: number }> {
  const path = join(tempDir(), `notes-${rows}.csv`);
  const out = createWriteStream(path);
  out.write('ticket,id,createdAt,text,customerEmail,author\n');
  const filler = 'The printer on the third floor, again, says "paper jam" but there is no paper in it at all.';
  let block = '';
  for (let i = 0; i < rows; i++) {
    block += `T-${i >> 3},${i},2024-01-01T00:00:00Z,"Note ${i}: ${filler.replaceAll('"', '""')}",c${i >> 3}@example.com,Agent ${i % 7}\n`;
    if (block.length > 1 << 20) {
      if (!out.write(block)) await once(out, 'drain');
      block = '';
    }
  }
  out.end(block);
  await once(out, 'finish');
  return { path, bytes: statSync(path).size };
}

export interface StreamResult {
  readonly notes: number;
  readonly rejects: number;
  readonly lastId: string;
  /** Most heap kept (after a full collection) above where reading started, in bytes. */
  readonly retainedGrowth: number;
}

/** Generates a CSV of `rows` notes in a temp folder (removed after the test) and reads it measuring the heap. */
export async function streamGeneratedCsv(rows: number, every: number): Promise<StreamResult & { readonly bytes: number }> {
  const { path, bytes } = await generateCsv(rows);
  return { ...(await readMeasuringHeap(sourceOf('csv', path), every)), bytes };
}

/** V8's collector, so heap samples show what is kept, not garbage not yet collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Reads the source through its reader, sampling the heap (after a full collection) every
 * `every` items: a reader that buffers the file grows with it, a streaming one stays flat.
 */
export async function readMeasuringHeap(source: Source, every: number): Promise<StreamResult> {
  const gc = collector();
  gc();
  const base = process.memoryUsage().heapUsed;
  let retainedGrowth = 0;
  let notes = 0;
  let rejects = 0;
  let lastId = '';
  for await (const item of openReader(source)) {
    if (item.kind === 'note') {
      notes++;
      lastId = item.note.id;
    } else {
      rejects++;
    }
    if ((notes + rejects) % every === 0) {
      gc();
      retainedGrowth = Math.max(retainedGrowth, process.memoryUsage().heapUsed - base);
    }
  }
  return { notes, rejects, lastId, retainedGrowth };
}
