import { createRng, gaussian, hashString, mix32, poisson, smoothNoise, streamKey, uniform } from './prng';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]): number => {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
};
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('prng', () => {
  it('hashes are stable and sensitive to every input', () => {
    expect(hashString('traffic-01/loop-n')).toBe(hashString('traffic-01/loop-n'));
    expect(hashString('traffic-01/loop-n')).not.toBe(hashString('traffic-01/loop-s'));
    expect(mix32(1)).not.toBe(mix32(2));
    expect(streamKey(1, 'a')).not.toBe(streamKey(2, 'a'));
  });

  it('uniform is deterministic, in [0, 1) and flat, also for epoch-millisecond ticks above 2^32', () => {
    const stream = streamKey(42, 'test');
    const base = Date.UTC(2025, 0, 1);
    const draws = range(20_000).map((i) => uniform(stream, base + i * 1000));
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(uniform(stream, base)).toBe(draws[0]);
    const buckets = new Array<number>(10).fill(0);
    for (const u of draws) buckets[Math.floor(u * 10)] += 1;
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
    // Ticks that differ only in the high word must not collide.
    expect(uniform(stream, 5)).not.toBe(uniform(stream, 5 + 2 ** 32));
  });

  it('gaussian has mean 0 and variance 1', () => {
    const stream = streamKey(7, 'normal');
    const draws = range(20_000).map((i) => gaussian(stream, i));
    expect(Math.abs(mean(draws))).toBeLessThan(0.03);
    expect(Math.abs(variance(draws) - 1)).toBeLessThan(0.05);
    expect(draws.every(Number.isFinite)).toBe(true);
  });

  it.each([0.3, 4, 35, 250])(
    'poisson(%p) has that mean and variance and only non-negative integers',
    (lambda) => {
      const stream = streamKey(3, `poisson-${lambda}`);
      const draws = range(10_000).map((i) => poisson(lambda, stream, i));
      expect(draws.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      expect(Math.abs(mean(draws) - lambda)).toBeLessThan(0.05 * lambda + 0.02);
      expect(Math.abs(variance(draws) - lambda)).toBeLessThan(0.1 * lambda + 0.05);
    },
  );

  it('poisson of a zero or negative mean is 0', () => {
    expect(poisson(0, 1, 1)).toBe(0);
    expect(poisson(-3, 1, 1)).toBe(0);
  });

  it('smooth noise is continuous: neighbouring instants differ far less than distant ones', () => {
    const stream = streamKey(9, 'smooth');
    const period = 60_000;
    const near = range(2000).map((i) =>
      Math.abs(smoothNoise(stream, i * 7919, period) - smoothNoise(stream, i * 7919 + 100, period)),
    );
    const far = range(2000).map((i) =>
      Math.abs(smoothNoise(stream, i * 7919, period) - smoothNoise(stream, i * 7919 + 10 * period, period)),
    );
    expect(mean(near)).toBeLessThan(mean(far) / 20);
    // At a knot the value is exactly the knot's normal.
    expect(smoothNoise(stream, 3 * period, period)).toBeCloseTo(gaussian(stream, 3), 12);
  });

  it('createRng replays the same sequence for the same seed only', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const seqA = range(5).map(() => a());
    expect(range(5).map(() => b())).toEqual(seqA);
    expect(range(5).map(() => c())).not.toEqual(seqA);
  });
});
