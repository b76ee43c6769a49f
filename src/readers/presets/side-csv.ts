import { parse } from 'csv-parse';
import { ConfigError } from '../../core/errors.ts';
import { openInput, readFailure } from '../input-file.ts';

/**
 * Rows of a small helper CSV the config points at (users, conversation map). These are lookup
 * tables, so a header without the needed columns is a ConfigError and ragged rows are tolerated.
 */
export async function* readSideCsv(path: string, key: string, required: readonly string[]): AsyncGenerator<Readonly<Record<string, string>>> {
  const input = openInput(path, key);
  let header: string[] | undefined;
  const parser = parse({
    bom: true,
    columns: (read: string[]) => (header = read.map((name) => name.trim().toLowerCase())),
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    let checked = false;
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      if (!checked) {
        checkHeader(header, path, key, required);
        checked = true;
      }
      yield row;
    }
    if (!checked) checkHeader(header, path, key, required);
  } catch (error) {
    throw error instanceof ConfigError ? error : readFailure(error, path, key);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function checkHeader(header: readonly string[] | undefined, path: string, key: string, required: readonly string[]): void {
  const missing = required.filter((column) => !header?.includes(column));
  if (missing.length > 0) {
    throw new ConfigError(missing.map((column) => `${key}: column "${column}" is missing from the header of ${path} (expected ${required.join(',')})`));
  }
}
