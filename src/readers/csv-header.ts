import { unescapeFormula } from '../report/csv-cell.ts';
import { isRejectsCsvHeader } from '../report/rejects-csv.ts';
import { columnIndex, type ColumnIndex, type ColumnNames } from './canonical-row.ts';
import { LaterFields, type Fields } from './source-note.ts';

/**
 * A CSV header row and how it reads the records after it: names trimmed, the formula escape of a
 * rejects.csv fed back in undone, canonical fields found by position, and a row named by the
 * header (a column `__proto__` kept as a field, not the row's prototype) only when asked.
 */
export class CsvHeader {
  readonly names: readonly string[];
  /** Where the canonical fields are among the cells. */
  readonly at: ColumnIndex;
  private readonly formulaEscaped: boolean;

  constructor(values: readonly string[], canonical: ColumnNames) {
    this.names = values.map((name) => name.trim());
    this.at = columnIndex(this.names, canonical);
    this.formulaEscaped = isRejectsCsvHeader(this.names);
  }

  /** The record's cells, or undefined when it has more or fewer values than the header has names. */
  cells(values: readonly string[]): readonly string[] | undefined {
    if (values.length !== this.names.length) return undefined;
    return this.formulaEscaped ? values.map(unescapeFormula) : values;
  }

  /**
   * The first column whose text did not decode, if any. `oneByte`: the values were decoded from
   * one-byte text, so none can hold a replacement character.
   */
  undecoded(cells: readonly string[], oneByte = false): string | undefined {
    if (oneByte) return undefined;
    const column = cells.findIndex((value) => value.includes('\uFFFD'));
    return column >= 0 ? this.names[column] : undefined;
  }

  /** A record's cells, named when asked. */
  fields(cells: readonly string[]): CsvFields {
    return new CsvFields(this.names, cells);
  }
}

class CsvFields extends LaterFields {
  constructor(
    private readonly names: readonly string[],
    private readonly cells: readonly string[],
  ) {
    super();
  }

  named(): Fields {
    const row: Record<string, string> = {};
    this.names.forEach((name, i) => {
      const cell = this.cells[i] ?? '';
      if (name === '__proto__') Object.defineProperty(row, name, { value: cell, enumerable: true, writable: true, configurable: true });
      else row[name] = cell;
    });
    return row;
  }
}
