import { inferenceMeasurement, resultToReading } from './influx-sink';

describe('resultToReading', () => {
  it('stores each output as a field, vectors per label, under the model measurement', () => {
    const reading = resultToReading(
      {
        ts: 1000,
        modelVersion: '1.0.0',
        siteId: 'site-a',
        sensorId: 'loop-1',
        outputs: { probabilities: [0.1, 0.2, 0.7], congestionLevel: [2], raw: [1, 2] },
        latencyMs: 1.5,
      },
      'congestion-classifier',
      { probabilities: ['free', 'slow', 'congested'] },
    );
    expect(reading).toEqual({
      siteId: 'site-a',
      sensorKind: 'inference-congestion-classifier',
      sensorId: 'loop-1',
      ts: 1000,
      values: {
        latencyMs: 1.5,
        probabilities_free: 0.1,
        probabilities_slow: 0.2,
        probabilities_congested: 0.7,
        congestionLevel: 2,
        raw_0: 1,
        raw_1: 2,
      },
    });
    expect(inferenceMeasurement('m')).toBe('inference-m');
  });
});
