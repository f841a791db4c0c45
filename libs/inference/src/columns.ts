/** A column name of a model input: `vehicleCount[t-12]`, `hourSin[t]`, or a bare `temperatureC` (meaning `[t]`). */
export interface ColumnRef {
  name: string;
  /** Intervals relative to the reference interval t: -12 for `[t-12]`, 0 for `[t]` or no index. */
  offset: number;
}

const COLUMN = /^([A-Za-z][A-Za-z0-9_.]{0,127})(?:\[t(?:([+-])(\d{1,5}))?\])?$/;

export class ColumnSyntaxError extends Error {
  override readonly name = 'ColumnSyntaxError';
}

export function parseColumn(column: string): ColumnRef {
  const match = COLUMN.exec(column);
  if (!match) {
    throw new ColumnSyntaxError(`column "${column}" is not "<name>", "<name>[t]" or "<name>[t-<n>]"`);
  }
  const [, name, sign, digits] = match;
  const magnitude = digits === undefined ? 0 : Number(digits);
  return { name, offset: sign === '-' ? 0 - magnitude : magnitude };
}
