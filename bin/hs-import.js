#!/usr/bin/env node
// Installed from npm, the package holds the compiled CLI (dist/) and no sources: that is what runs,
// on plain Node, with no TypeScript loader. In a clone (src/ present, `npm install` builds dist/
// through the `prepare` script) the compiled CLI runs when it is at least as new as every source
// file; otherwise the TypeScript sources run through tsx, a devDependency. The compiled form
// starts faster and spares tsx's loader thread, about 35 MB of a 256 MB budget.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const sources = join(root, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const built = existsSync(compiled);
const fromSources = existsSync(sources) && (!built || statSync(compiled).mtimeMs < newestSource(sources));

if (fromSources) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    register = undefined;
  }
  if (register) {
    register();
    await import(pathToFileURL(join(sources, 'cli', 'main.ts')).href);
  } else if (built) {
    process.stderr.write('hs-import: src/ is newer than dist/ and tsx is not installed; running dist/ (run `npm run build`)\n');
    await import(pathToFileURL(compiled).href);
  } else {
    process.stderr.write('hs-import: dist/ is missing and tsx is not installed: run `npm install` (it builds dist/) or `npm run build`\n');
    process.exit(2);
  }
} else if (built) {
  await import(pathToFileURL(compiled).href);
} else {
  process.stderr.write(`hs-import: the compiled CLI is missing (${compiled}): reinstall the package\n`);
  process.exit(2);
}
