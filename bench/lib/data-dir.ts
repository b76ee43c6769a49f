import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
export const DATA_DIR = join(BENCH_DIR, 'data');

export function dataPath(...parts: string[]): string {
  mkdirSync(DATA_DIR, { recursive: true });
  return join(DATA_DIR, ...parts);
}

/** What generated data depends on: a change to it rebuilds every cached file (other bench code does not). */
const GENERATOR_SOURCES = ['lib/prng.ts', 'lib/text.ts'];

/** The generators' own source: the gen/ folder and the helpers it draws data from. */
function generatorHash(): string {
  const hash = createHash('sha256');
  const gen = join(BENCH_DIR, 'gen');
  const files = [...readdirSync(gen).sort().map((f) => join('gen', f)), ...GENERATOR_SOURCES];
  for (const file of files) hash.update(file).update(readFileSync(join(BENCH_DIR, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Generated files are cached under bench/data, keyed by their spec: a meta file holds the spec
 * they were made from, and a different spec (or a missing file) rebuilds them.
 */
export function cached<M extends object>(metaPath: string, spec: object, files: readonly string[], build: () => M): M & { readonly fresh: boolean } {
  const key = JSON.stringify({ v: generatorHash(), spec });
  if (existsSync(metaPath) && files.every((f) => existsSync(f))) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { key: string; meta: M };
    if (meta.key === key) return { ...meta.meta, fresh: false };
  }
  const meta = build();
  writeFileSync(metaPath, JSON.stringify({ key, meta }));
  return { ...meta, fresh: true };
}

/** Writes text in large blocks with synchronous writes (generators produce hundreds of MB). */
export class BlockWriter {
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly write: (chunk: string) => void) {}
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.bytes += Buffer.byteLength(chunk);
    this.write(chunk);
    this.parts = [];
    this.size = 0;
  }
}
