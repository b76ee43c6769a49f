import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Value imports and re-exports of a source file (`import type` is erased; `await import()` loads only when run). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

/** Every package a module loads before its first line runs, with the chain of files that leads to each. */
function packagesLoadedBy(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const via = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = via.get(file) ?? [];
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!packages.has(name)) packages.set(name, chain.map((f) => f.slice(SRC.length + 1)));
        continue;
      }
      const next = resolve(dirname(file), spec);
      if (!via.has(next)) {
        via.set(next, [...chain, next]);
        queue.push(next);
      }
    }
  }
  return packages;
}

describe("plan's footprint", () => {
  it('an offline plan loads no HTTP client: undici (20 MB of RSS) comes in only with the client or a download', () => {
    const loaded = packagesLoadedBy(resolve(SRC, 'cli/commands/plan.ts'));
    expect(loaded.get('undici'), `plan loads undici through ${loaded.get('undici')?.join(' → ') ?? ''}`).toBeUndefined();
    // The walk sees through the same files: it does find the packages plan does load.
    expect(loaded.has('csv-parse')).toBe(true);
    expect(loaded.has('zod')).toBe(true);
  });
});
