/**
 * One CSV cell: quoted when it must be, and a leading `=`, `+`, `-`, `@` (or tab/CR) prefixed
 * with `'` so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
