import { modelMetadataSchema, type ModelMetadata } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import { FeaturePlanError, planFeatures, type FeaturePlanOptions } from './feature-plan';

const options: FeaturePlanOptions = { aggregationOf: (f) => (f === 'vehicleCount' ? 'sum' : 'mean') };
const models = new Map(buildCityModels(7).map((m) => [m.name, modelMetadataSchema.parse(m.metadata)]));
const metadata = (name: string): ModelMetadata => structuredClone(models.get(name)!);

describe('planFeatures on the city models', () => {
  it('places a forecaster t one interval after its window and its clock features at t', () => {
    const plan = planFeatures(metadata('traffic-flow-forecaster'), options);
    expect(plan).toMatchObject({ sensorKind: 'traffic-loop', windowLength: 12, intervalMs: 300_000 });
    expect(plan.referenceLead).toBe(1);
    expect(plan.aggregation).toEqual({ vehicleCount: 'sum' });
    const [features] = plan.inputs;
    expect(features.sources.slice(0, 12)).toEqual(
      Array.from({ length: 12 }, (_, position) => ({ kind: 'telemetry', field: 'vehicleCount', position })),
    );
    expect(features.sources.slice(12)).toEqual([
      { kind: 'time', feature: 'hourSin', offset: 0 },
      { kind: 'time', feature: 'hourCos', offset: 0 },
      { kind: 'time', feature: 'weekend', offset: 0 },
    ]);
  });

  it('places a classifier t on the newest interval of its window, fields interleaved per interval', () => {
    const plan = planFeatures(metadata('congestion-classifier'), options);
    expect(plan.referenceLead).toBe(0);
    expect(plan.inputs[0].sources.slice(0, 4)).toEqual([
      { kind: 'telemetry', field: 'vehicleCount', position: 0 },
      { kind: 'telemetry', field: 'meanSpeedKmh', position: 0 },
      { kind: 'telemetry', field: 'occupancyPct', position: 0 },
      { kind: 'telemetry', field: 'vehicleCount', position: 1 },
    ]);
  });

  it('reads declared context (weather.temperatureC) as the site value temperatureC', () => {
    const plan = planFeatures(metadata('substation-load-forecaster'), options);
    expect(plan.inputs[0].sources[4]).toEqual({ kind: 'context', name: 'temperatureC' });
    const anomaly = planFeatures(metadata('energy-anomaly-detector'), options);
    expect(anomaly.inputs.map((i) => i.name)).toEqual(['context', 'observedKw']);
    expect(anomaly.inputs[1].sources).toEqual([{ kind: 'telemetry', field: 'activePowerKw', position: 0 }]);
  });
});

describe('planFeatures refuses what it cannot feed', () => {
  it('names a column that no source supplies', () => {
    const m = metadata('substation-load-forecaster');
    m.context = [];
    expect(() => planFeatures(m, options)).toThrow(/"temperatureC" of input "features" is neither/);
    expect(() => planFeatures(m, { ...options, extraContext: ['temperatureC'] })).not.toThrow();
  });

  it('refuses a column older than the window', () => {
    const m = metadata('traffic-flow-forecaster');
    m.telemetry[0].windowLength = 11;
    expect(() => planFeatures(m, options)).toThrow(/vehicleCount\[t-12\].*outside the 11-interval window/);
  });

  it('refuses inputs without columns, non-float inputs, a width mismatch and several sensor kinds', () => {
    const noColumns = metadata('traffic-flow-forecaster');
    delete noColumns.inputs[0].columns;
    expect(() => planFeatures(noColumns, options)).toThrow(FeaturePlanError);
    const int = metadata('traffic-flow-forecaster');
    int.inputs[0].elementType = 'int64';
    expect(() => planFeatures(int, options)).toThrow(/only float32/);
    const wide = metadata('traffic-flow-forecaster');
    wide.inputs[0].shape = ['batch', 16];
    expect(() => planFeatures(wide, options)).toThrow(/shape \[batch, 15\]/);
    const two = metadata('traffic-flow-forecaster');
    two.telemetry.push({ ...two.telemetry[0], sensorKind: 'air-quality' });
    expect(() => planFeatures(two, options)).toThrow(/reads 2/);
  });
});
