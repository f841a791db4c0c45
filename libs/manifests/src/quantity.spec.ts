import { quantityValue } from './quantity';

describe('quantityValue', () => {
  it.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['2G', 2e9],
    ['1Ki', 1024],
  ])('reads %s', (quantity, value) => {
    expect(quantityValue(quantity)).toBeCloseTo(value);
  });

  it('orders binary and decimal suffixes by size', () => {
    expect(quantityValue('1Gi')!).toBeGreaterThan(quantityValue('1G')!);
    expect(quantityValue('999m')!).toBeLessThan(quantityValue('1')!);
  });

  it.each(['', 'lots', '-1', '1 Gi', '1gi', '.5'])('rejects %p', (quantity) => {
    expect(quantityValue(quantity)).toBeUndefined();
  });
});
