import { constants, accessSync, createReadStream, statSync, type ReadStream } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { CHUNK_BYTES, FileChunks } from './file-chunks.ts';

/**
 * Fails fast, before any pipeline starts, when an input file cannot be read: a missing or
 * unreadable export is a configuration problem (exit 2), not a run of rejects.
 */
export function assertReadableFile(path: string, key: string): void {
  try {
    if (!statSync(path).isFile()) throw new ConfigError([`${key}: ${path} is not a file`]);
    accessSync(path, constants.R_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}

/** A byte stream of the file; a read error later on (disk, permissions changed) also becomes a ConfigError. */
export function openInput(path: string, key: string): ReadStream {
  assertReadableFile(path, key);
  return createReadStream(path, { highWaterMark: CHUNK_BYTES });
}

/** The file's bytes in reused buffers (see FileChunks), for readers that copy what they keep; checked as `openInput`. */
export function openChunks(path: string, key: string): FileChunks {
  assertReadableFile(path, key);
  return new FileChunks(path);
}

/** Wraps an I/O error met mid-file so the CLI reports it like any other unreadable input. */
export function readFailure(error: unknown, path: string, key: string): ConfigError {
  if (error instanceof ConfigError) return error;
  const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new ConfigError([`${key}: reading ${path} failed (${detail})`]);
}
