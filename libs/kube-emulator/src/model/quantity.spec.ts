import { parseQuantity, QuantityError } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['1Ki', 1024],
    ['64Mi', 64 * 2 ** 20],
    ['16Gi', 16 * 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['100k', 100_000],
    [3, 3],
  ])('%s is %d', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  it.each(['', 'abc', '1Zi', '--1', '1.2.3'])('rejects "%s"', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
  });
});
