import { modelMetadataSchema } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import { planFeatures } from './feature-plan';
import type { ClosedInterval } from './interval-series';
import { timeFeature } from './time-features';
import { assembleWindow } from './window-assembly';

const models = new Map(buildCityModels(3).map((m) => [m.name, modelMetadataSchema.parse(m.metadata)]));
const plan = (name: string) => planFeatures(models.get(name)!, { aggregationOf: () => 'last' });
const noContext = () => undefined;
const FIVE_MIN = 300_000;
const START = Date.UTC(2025, 2, 8, 23, 0); // a Saturday, so t (Sunday 00:00) is still weekend

function intervals(first: number, values: Record<string, number>[]): ClosedInterval[] {
  return values.map((v, i) => ({ index: first + i, values: v }));
}

describe('assembleWindow', () => {
  it('builds the forecaster row: 12 counts oldest first, then the clock of the interval after them', () => {
    const first = START / FIVE_MIN;
    const counts = Array.from({ length: 12 }, (_, i) => 10 + i);
    const result = assembleWindow(
      plan('traffic-flow-forecaster'),
      intervals(
        first,
        counts.map((vehicleCount) => ({ vehicleCount })),
      ),
      noContext,
    );
    const t = START + 12 * FIVE_MIN;
    expect(result).toEqual({
      ok: true,
      window: {
        ts: t,
        rows: {
          features: Float32Array.from([
            ...counts,
            timeFeature('hourSin', t),
            timeFeature('hourCos', t),
            timeFeature('weekend', t),
          ]),
        },
      },
    });
  });

  it('feeds both inputs of the anomaly detector, with context from the site', () => {
    const first = START / 900_000;
    const result = assembleWindow(
      plan('energy-anomaly-detector'),
      intervals(first, [{ activePowerKw: 42.5 }]),
      (name) => (name === 'temperatureC' ? 7 : undefined),
    );
    if (!result.ok) throw new Error(result.detail);
    expect(result.window.ts).toBe(START);
    expect(Array.from(result.window.rows.observedKw)).toEqual([42.5]);
    expect(result.window.rows.context[5]).toBe(7);
    expect(result.window.rows.context[3]).toBeCloseTo(timeFeature('halfDaySin', START), 6);
  });

  it('reports a missing context value or field instead of feeding a hole', () => {
    const first = START / 900_000;
    expect(
      assembleWindow(plan('energy-anomaly-detector'), intervals(first, [{ activePowerKw: 1 }]), noContext),
    ).toMatchObject({
      ok: false,
      reason: 'missing-context',
    });
    const congestion = plan('congestion-classifier');
    const readings: Record<string, number>[] = [
      { vehicleCount: 1, meanSpeedKmh: 50, occupancyPct: 3 },
      { vehicleCount: 1, meanSpeedKmh: 50 },
      { vehicleCount: 1, meanSpeedKmh: 50, occupancyPct: 3 },
    ];
    expect(assembleWindow(congestion, intervals(0, readings), noContext)).toMatchObject({
      ok: false,
      reason: 'missing-field',
    });
  });

  it('refuses a window of the wrong length', () => {
    expect(() => assembleWindow(plan('congestion-classifier'), intervals(0, [{}]), noContext)).toThrow(
      RangeError,
    );
  });
});
