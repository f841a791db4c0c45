import { inspectModel } from '../inspect/inspect-model';
import { buildCityModels, trainCityModels } from './build-city-models';
import type { TrainedCityModel } from './city-model';
import { beatsBaseline } from './evaluation';
import { generateEnergyMeter, generateTrafficLoop, hourOfDay, isWeekend } from './synthetic-city';

describe('synthetic city history', () => {
  it('is deterministic per seed and has rush hours on weekdays only', () => {
    const traffic = generateTrafficLoop({ seed: 3, days: 14 });
    expect(generateTrafficLoop({ seed: 3, days: 14 })).toEqual(traffic);
    expect(generateTrafficLoop({ seed: 4, days: 14 })).not.toEqual(traffic);
    const mean = (keep: (ts: number) => boolean): number => {
      const picked = traffic.filter((s) => keep(s.ts));
      return picked.reduce((sum, s) => sum + s.values.vehicleCount, 0) / picked.length;
    };
    const rush = mean((ts) => !isWeekend(ts) && hourOfDay(ts) >= 7.5 && hourOfDay(ts) < 8.5);
    const night = mean((ts) => hourOfDay(ts) >= 2 && hourOfDay(ts) < 4);
    const weekendMorning = mean((ts) => isWeekend(ts) && hourOfDay(ts) >= 7.5 && hourOfDay(ts) < 8.5);
    expect(rush).toBeGreaterThan(5 * night);
    expect(rush).toBeGreaterThan(2 * weekendMorning);
    expect(
      traffic.every((s) => Number.isInteger(s.values.vehicleCount) && s.values.occupancyPct <= 100),
    ).toBe(true);
  });

  it('drives feeder load with temperature and marks injected faults', () => {
    const energy = generateEnergyMeter({ seed: 5, days: 28, anomalyRate: 0.01 });
    expect(energy.some((s) => s.anomaly)).toBe(true);
    expect(generateEnergyMeter({ seed: 5, days: 28, anomalyRate: 0 }).some((s) => s.anomaly)).toBe(false);
    const noon = energy.filter(
      (s) => !s.anomaly && Math.abs(hourOfDay(s.ts) - 15) < 0.01 && !isWeekend(s.ts),
    );
    const hot = noon.filter((s) => s.temperatureC > 27);
    const mild = noon.filter((s) => s.temperatureC > 16 && s.temperatureC < 21);
    const avg = (xs: typeof noon): number => xs.reduce((a, s) => a + s.values.activePowerKw, 0) / xs.length;
    expect(hot.length).toBeGreaterThan(0);
    expect(avg(hot)).toBeGreaterThan(avg(mild));
  });
});

describe('city models', () => {
  let models: TrainedCityModel[];
  beforeAll(() => {
    models = trainCityModels(42);
  });

  it('builds the four models with metadata', () => {
    expect(models.map((m) => m.name)).toEqual([
      'traffic-flow-forecaster',
      'congestion-classifier',
      'substation-load-forecaster',
      'energy-anomaly-detector',
    ]);
  });

  it('each model beats its naive baseline on held-out data', () => {
    for (const { name, metrics } of models) {
      expect({ name, beats: beatsBaseline(metrics.headline) }).toEqual({ name, beats: true });
      expect(metrics.heldOutSamples).toBeGreaterThan(0);
    }
  });

  it('is byte-identical for the same seed and differs for another seed', () => {
    const again = buildCityModels(42);
    const other = buildCityModels(43);
    models.forEach((m, i) => {
      expect(Buffer.from(again[i].bytes).equals(Buffer.from(m.bytes))).toBe(true);
      expect(again[i].metrics).toEqual(m.metrics);
      expect(Buffer.from(other[i].bytes).equals(Buffer.from(m.bytes))).toBe(false);
    });
  });

  it('passes the runtime policy and declares the inputs and outputs the graph has', () => {
    for (const { bytes, metadata } of models) {
      const insight = inspectModel(bytes);
      expect(insight.unestimatedOperators).toEqual([]);
      const ports = (list: typeof metadata.inputs): unknown[] =>
        list.map((p) => ({ name: p.name, elementType: p.elementType, shape: p.shape }));
      expect(
        insight.inputs.map((i) => ({ name: i.name, elementType: i.elementType, shape: i.shape })),
      ).toEqual(ports(metadata.inputs));
      expect(insight.outputs.map((o) => o.name).sort()).toEqual(metadata.outputs.map((o) => o.name).sort());
      for (const input of metadata.inputs) {
        if (input.columns) expect(input.columns).toHaveLength(input.shape[1] as number);
      }
      expect(metadata.resources.estimatedFlops).toBe(insight.estimatedFlops);
      expect(metadata.resources.memoryMiB).toBeGreaterThan(0);
    }
  });

  it('keeps a check batch whose feeds match the declared inputs', () => {
    for (const model of models) {
      expect(Object.keys(model.check.feeds)).toEqual(model.metadata.inputs.map((i) => i.name));
      expect(Object.keys(model.check.expected).sort()).toEqual(
        model.metadata.outputs.map((o) => o.name).sort(),
      );
    }
  });
});
