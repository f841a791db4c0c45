import type { FeaturePlan } from './feature-plan';
import { SensorWindows } from './sensor-windows';

const MIN = 60_000;
const plan = (windowLength: number, intervalMs = MIN): FeaturePlan => ({
  sensorKind: 'traffic-loop',
  fields: ['x'],
  windowLength,
  intervalMs,
  referenceLead: 0,
  aggregation: { x: 'last' },
  inputs: [],
});

describe('SensorWindows', () => {
  it('keeps one series per sensor and yields a window when an interval closes a full run', () => {
    const windows = new SensorWindows(plan(2), () => 'last');
    expect(windows.observe('a', 0, { x: 1 })).toEqual({ kind: 'pending' });
    expect(windows.observe('b', 0, { x: 9 })).toEqual({ kind: 'pending' });
    expect(windows.observe('a', MIN, { x: 2 })).toEqual({ kind: 'pending' }); // one closed interval of two
    const outcome = windows.observe('a', 2 * MIN, { x: 3 });
    expect(outcome).toEqual({
      kind: 'window',
      intervals: [
        { index: 0, values: { x: 1 } },
        { index: 1, values: { x: 2 } },
      ],
    });
    expect(windows.sensors).toBe(2);
    expect(windows.observe('a', 0, { x: 0 })).toEqual({ kind: 'late' });
  });

  it('keeps history across a plan with the same interval and a longer window', () => {
    const windows = new SensorWindows(plan(1), () => 'last');
    for (let m = 0; m < 4; m++) windows.observe('a', m * MIN, { x: m });
    windows.use(plan(3));
    expect(windows.observe('a', 4 * MIN, { x: 4 })).toMatchObject({ kind: 'pending' }); // only 1 retained before
    windows.observe('a', 5 * MIN, { x: 5 });
    const outcome = windows.observe('a', 6 * MIN, { x: 6 });
    expect(outcome.kind === 'window' && outcome.intervals.map((i) => i.index)).toEqual([3, 4, 5]);
  });

  it('drops history when the interval changes', () => {
    const windows = new SensorWindows(plan(1), () => 'last');
    windows.observe('a', 0, { x: 1 });
    windows.use(plan(1, 2 * MIN));
    expect(windows.sensors).toBe(0);
  });
});
