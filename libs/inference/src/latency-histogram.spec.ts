import fc from 'fast-check';
import { LatencyHistogram } from './latency-histogram';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('LatencyHistogram', () => {
  it('answers quantiles within 2% of the exact order statistic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        (values) => {
          const histogram = new LatencyHistogram();
          values.forEach((v) => histogram.record(v));
          const sorted = [...values].sort((a, b) => a - b);
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = exactQuantile(sorted, q);
            expect(Math.abs(histogram.quantile(q) - exact)).toBeLessThanOrEqual(exact * 0.02 + 1e-9);
          }
          expect(histogram.summary().max).toBe(sorted[sorted.length - 1]);
          expect(histogram.summary().count).toBe(values.length);
        },
      ),
    );
  });

  it('is empty after reset and ignores non-finite values', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5);
    histogram.record(Number.NaN);
    expect(histogram.summary().count).toBe(1);
    histogram.reset();
    expect(histogram.summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('clamps values outside its range', () => {
    const histogram = new LatencyHistogram(1, 100);
    histogram.record(1e6);
    expect(histogram.quantile(1)).toBe(100);
    expect(() => histogram.quantile(2)).toThrow(RangeError);
  });
});
