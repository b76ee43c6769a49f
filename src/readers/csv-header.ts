import { unescapeFormula } from '../report/csv-cell.ts';
import { isRejectsCsvHeader } from '../report/rejects-csv.ts';

/** A record's values named by the header. */
export interface NamedRow {
  readonly row: Record<string, string>;
  /** The first column whose text did not decode, if any. */
  readonly undecoded: string | undefined;
}

/**
 * A CSV header row and how it names the records after it: names trimmed, a column `__proto__`
 * kept as a field (not the row's prototype), and the formula escape of a rejects.csv fed back
 * in undone.
 */
export class CsvHeader {
  readonly names: readonly string[];
  private readonly formulaEscaped: boolean;
  private readonly protoColumn: number;
  /**
   * Every name with an empty value, copied for each row: a copy has the row's final shape, so
   * naming a value stores into a field that exists, not one more shape change per column.
   */
  private readonly shape: Readonly<Record<string, string>> | undefined;

  constructor(values: readonly string[]) {
    this.names = values.map((name) => name.trim());
    this.formulaEscaped = isRejectsCsvHeader(this.names);
    this.protoColumn = this.names.indexOf('__proto__');
    this.shape = this.protoColumn === -1 ? Object.fromEntries(this.names.map((name) => [name, ''])) : undefined;
  }

  /**
   * The row, or undefined when the record has more or fewer values than the header has names.
   * `oneByte`: the values were decoded from one-byte text, so none can hold a replacement character.
   */
  name(values: readonly string[], oneByte = false): NamedRow | undefined {
    const names = this.names;
    if (values.length !== names.length) return undefined;
    const row: Record<string, string> = this.shape === undefined ? {} : { ...this.shape };
    let undecoded: string | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const value = values[i] as string;
      const cell = this.formulaEscaped ? unescapeFormula(value) : value;
      if (i === this.protoColumn) Object.defineProperty(row, name, { value: cell, enumerable: true, writable: true, configurable: true });
      else row[name] = cell;
      if (!oneByte && undecoded === undefined && value.includes('\uFFFD')) undecoded = name;
    }
    return { row, undecoded };
  }
}
