/** A cell a spreadsheet would run as a formula: `=`, `+`, `-`, `@`, tab or CR first. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A cell `csvCell` escaped: one `'` more than the text had before its formula character. */
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

/**
 * One CSV cell: quoted when it must be, and a leading `=`, `+`, `-`, `@` (or tab/CR) prefixed
 * with `'` so a spreadsheet shows it as text instead of running it as a formula. Text that
 * already starts with `'` before such a character gets one more, so `unescapeFormula` gives
 * back exactly what was written, whatever it was.
 */
export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\n';
}

/** The inverse of `csvCell`'s formula escape, for reading a file this tool wrote back in. */
export function unescapeFormula(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}
