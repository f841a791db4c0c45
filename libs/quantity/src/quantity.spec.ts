import { bytes, cpuMillicores, parseQuantity, QuantityError } from './quantity';

describe(parseQuantity.name, () => {
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
    ['250n', 250e-9],
    [3, 3],
  ])('%s is %d', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  it.each(['', 'abc', '1Zi', '--1', '1.2.3', '1 Gi', '1gi'])(
    'rejects "%s" with the API server\'s message',
    (input) => {
      expect(() => parseQuantity(input)).toThrow(QuantityError);
      expect(() => parseQuantity(input)).toThrow(/quantities must match the regular expression/);
    },
  );

  it('rejects non-finite numbers', () => {
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
  });
});

describe('rounding as the scheduler does', () => {
  it('rounds cpu up to whole millicores and memory up to whole bytes', () => {
    expect(cpuMillicores('0.0001')).toBe(1);
    expect(cpuMillicores('250m')).toBe(250);
    expect(cpuMillicores(2)).toBe(2000);
    expect(bytes('1.5Ki')).toBe(1536);
    expect(bytes('0.5')).toBe(1);
  });
});
