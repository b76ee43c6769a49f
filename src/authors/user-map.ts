import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ConfigError } from '../core/errors.ts';

/** Good enough to tell an email from a name or a typo: something@domain.tld, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `source.userMap`: an `email,user` CSV mapping a source author's email to a Help Scout user id.
 * Every bad row is reported at once as `file:line: what is wrong`, before anything is sent.
 */
export function readUserMap(path: string): Map<string, number> {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(readFileSync(path), { bom: true, columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, info: true, trim: true });
  } catch (error) {
    throw new ConfigError([`source.userMap: ${path} cannot be read as CSV: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const map = new Map<string, number>();
  const first = rows[0]?.record;
  if (first !== undefined && (!('email' in first) || !('user' in first))) {
    throw new ConfigError([`source.userMap: ${path} needs the columns email,user in its header`]);
  }
  for (const { record, info } of rows) {
    const where = `${path}:${info.lines}`;
    const email = (record.email ?? '').toLowerCase();
    const user = record.user ?? '';
    if (!EMAIL.test(email)) problems.push(`source.userMap: ${where}: "${record.email ?? ''}" is not an email address`);
    if (!/^[1-9]\d{0,15}$/.test(user)) problems.push(`source.userMap: ${where}: user "${user}" is not a Help Scout user id (a positive number)`);
    else if (EMAIL.test(email)) map.set(email, Number(user));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return map;
}
