import {
  BUILTIN_SENSOR_KINDS,
  DEFAULT_SUBJECT_PREFIX,
  telemetrySubject,
  validateTelemetry,
  type ValidationContext,
} from '@polis/contracts';
import fc from 'fast-check';
import { DAY_MS, MINUTE_MS } from './calendar';
import { createCity } from './city';
import { encodeTelemetryPayload, readSensor, sampleCity } from './readings';

const context = (now: number): ValidationContext => ({
  subjectPrefix: DEFAULT_SUBJECT_PREFIX,
  now,
  retentionMs: 30 * DAY_MS,
  kindOf: (name) => BUILTIN_SENSOR_KINDS.find((k) => k.name === name),
});

describe('readings against the telemetry contract', () => {
  it('uses only built-in sensor kinds and reports exactly their fields', () => {
    const city = createCity({ seed: 'fields', intersections: 2, substations: 2, airQualityShare: 1 });
    for (const sensor of city.sensors) {
      const kind = BUILTIN_SENSOR_KINDS.find((k) => k.name === sensor.kind);
      expect(kind).toBeDefined();
      expect(Object.keys(readSensor(city, sensor, Date.UTC(2025, 5, 2, 8), 60_000)).sort()).toEqual(
        Object.keys(kind!.fields).sort(),
      );
    }
  });

  it('every reading of a simulated day passes validateTelemetry, for many seeds and cities', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          intersections: fc.integer({ min: 1, max: 8 }),
          substations: fc.integer({ min: 1, max: 4 }),
          dropoutProbability: fc.double({ min: 0, max: 1, noNaN: true }),
          airQualityShare: fc.double({ min: 0, max: 1, noNaN: true }),
          utcOffsetMinutes: fc.integer({ min: -720, max: 840 }),
          annualMeanC: fc.double({ min: -30, max: 35, noNaN: true }),
          day: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z') }),
          stepMs: fc.constantFrom(1000, 60_000, 10 * MINUTE_MS),
        }),
        ({ annualMeanC, day, stepMs, ...options }) => {
          const city = createCity({ ...options, climate: { annualMeanC } });
          const dayStart = Math.floor(day.getTime() / DAY_MS) * DAY_MS;
          // A reading every 10 simulated minutes across the day, counted over `stepMs` intervals.
          for (let t = dayStart; t < dayStart + DAY_MS; t += 10 * MINUTE_MS) {
            for (const reading of sampleCity(city, t, stepMs).readings) {
              const { siteId, sensorKind, sensorId } = reading;
              const subject = telemetrySubject(DEFAULT_SUBJECT_PREFIX, { siteId, sensorKind, sensorId });
              const result = validateTelemetry(
                subject,
                encodeTelemetryPayload(t, reading.values),
                context(t),
              );
              if (!result.ok)
                throw new Error(`${subject} ${JSON.stringify(reading.values)}: ${result.detail}`);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('is deterministic per seed: the same instant gives the same readings, another seed different ones', () => {
    const t = Date.UTC(2025, 2, 4, 17, 30);
    const a = sampleCity(createCity({ seed: 'det', dropoutProbability: 0.3 }), t, 60_000);
    expect(sampleCity(createCity({ seed: 'det', dropoutProbability: 0.3 }), t, 60_000)).toEqual(a);
    const b = sampleCity(createCity({ seed: 'det-2', dropoutProbability: 0.3 }), t, 60_000);
    expect(b.readings.map((r) => r.values)).not.toEqual(a.readings.map((r) => r.values));
  });

  it('rejects instants that are not integer epoch milliseconds', () => {
    const city = createCity({ seed: 'bad-time' });
    expect(() => sampleCity(city, 1.5, 1000)).toThrow(RangeError);
    expect(() => sampleCity(city, -1, 1000)).toThrow(/tMs/);
    expect(() => sampleCity(city, 0, Number.NaN)).toThrow(/intervalMs/);
  });
});
