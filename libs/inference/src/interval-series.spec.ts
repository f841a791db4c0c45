import { IntervalSeries } from './interval-series';

const MIN = 60_000;

describe('IntervalSeries', () => {
  it('closes an interval when a later one starts, aggregating per field', () => {
    const series = new IntervalSeries(5 * MIN, 10, (f) => (f === 'n' ? 'sum' : f === 'v' ? 'mean' : 'last'));
    expect(series.add(0, { n: 3, v: 10, t: 1 })).toEqual({ kind: 'open' });
    expect(series.add(2 * MIN, { n: 4, v: 20, t: 2 })).toEqual({ kind: 'open' });
    expect(series.add(5 * MIN, { n: 1, v: 1, t: 3 })).toEqual({
      kind: 'closed',
      interval: { index: 0, values: { n: 7, v: 15, t: 2 } },
    });
    expect(series.window(1)).toEqual([{ index: 0, values: { n: 7, v: 15, t: 2 } }]);
  });

  it('drops readings of a closed interval as late', () => {
    const series = new IntervalSeries(MIN, 10, () => 'last');
    series.add(0, { x: 1 });
    series.add(MIN, { x: 2 });
    expect(series.add(30_000, { x: 9 })).toEqual({ kind: 'late' });
    series.add(2 * MIN, { x: 3 });
    expect(series.window(2)?.map((i) => i.values.x)).toEqual([1, 2]);
  });

  it('offers a window only over consecutive intervals', () => {
    const series = new IntervalSeries(MIN, 10, () => 'last');
    for (const minute of [0, 1, 3, 4, 5]) series.add(minute * MIN, { x: minute });
    expect(series.window(3)).toBeUndefined();
    expect(series.window(2)?.map((i) => i.index)).toEqual([3, 4]);
  });

  it('keeps only the retained closed intervals, and more once asked to', () => {
    const series = new IntervalSeries(MIN, 2, () => 'last');
    for (let m = 0; m < 6; m++) series.add(m * MIN, { x: m });
    expect(series.window(2)?.map((i) => i.index)).toEqual([3, 4]);
    expect(series.window(3)).toBeUndefined();
    series.retainAtLeast(4);
    for (let m = 6; m < 10; m++) series.add(m * MIN, { x: m });
    expect(series.window(4)?.map((i) => i.index)).toEqual([5, 6, 7, 8]);
  });

  it('refuses a non-positive interval or retention', () => {
    expect(() => new IntervalSeries(0, 1, () => 'last')).toThrow(RangeError);
    expect(() => new IntervalSeries(1, 0, () => 'last')).toThrow(RangeError);
  });
});
