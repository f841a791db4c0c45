import { ColumnSyntaxError, parseColumn } from './columns';

describe('parseColumn', () => {
  it.each([
    ['vehicleCount[t-12]', { name: 'vehicleCount', offset: -12 }],
    ['hourSin[t]', { name: 'hourSin', offset: 0 }],
    ['temperatureC', { name: 'temperatureC', offset: 0 }],
    ['occupancyPct[t+1]', { name: 'occupancyPct', offset: 1 }],
  ])('reads %s', (column, expected) => {
    expect(parseColumn(column)).toEqual(expected);
  });

  it.each(['', '[t-1]', 'x[t-]', 'x[s-1]', 'x[t-1', '1x', 'x[t-1][t]'])('refuses %p', (column) => {
    expect(() => parseColumn(column)).toThrow(ColumnSyntaxError);
  });
});
