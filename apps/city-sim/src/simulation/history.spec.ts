import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';
import { createCity } from './city';
import { MAX_HISTORY_STEPS, iterateReadings, simulateHistory } from './history';
import { sampleCity } from './readings';

const FROM = Date.UTC(2025, 0, 13, 6);
const TO = FROM + 6 * HOUR_MS;
const STEP = 5 * MINUTE_MS;

describe('simulateHistory', () => {
  const city = createCity({ seed: 'history', intersections: 3, substations: 2, dropoutProbability: 0.6 });

  it('lays the series on the half-open grid [from, to)', () => {
    const history = simulateHistory(city, FROM, FROM + 7 * STEP + 1, STEP);
    expect(history.timestamps).toEqual(Array.from({ length: 8 }, (_, i) => FROM + i * STEP));
    for (const series of history.traffic) expect(series.vehicleCount).toHaveLength(8);
    for (const series of history.substations) expect(series.loadKw).toHaveLength(8);
    expect(history.outdoorTemperatureC).toHaveLength(8);
  });

  it('holds exactly what the live sampler publishes at the same instants, with gaps where sensors were out', () => {
    const history = simulateHistory(city, FROM, TO, STEP);
    let gaps = 0;
    history.timestamps.forEach((t, i) => {
      const sample = sampleCity(city, t, STEP);
      for (const series of history.traffic) {
        const live = sample.readings.find(
          (r) => r.siteId === series.siteId && r.sensorId === series.sensorId,
        );
        expect(series.vehicleCount[i]).toBe(live ? live.values.vehicleCount : null);
        expect(series.meanSpeedKmh[i]).toBe(live ? live.values.meanSpeedKmh : null);
        if (!live) gaps++;
      }
      for (const station of history.substations) {
        for (const feeder of station.feeders) {
          const live = sample.readings.find(
            (r) => r.siteId === station.siteId && r.sensorId === feeder.sensorId,
          );
          expect(feeder.activePowerKw[i]).toBe(live ? live.values.activePowerKw : null);
        }
      }
    });
    expect(gaps).toBeGreaterThan(0);
  });

  it('sums feeders into the substation load, or leaves a gap when one feeder is missing', () => {
    const history = simulateHistory(city, FROM, TO, STEP);
    for (const station of history.substations) {
      station.loadKw.forEach((load, i) => {
        const parts = station.feeders.map((f) => f.activePowerKw[i]);
        if (parts.some((p) => p === null)) expect(load).toBeNull();
        else
          expect(load).toBeCloseTo(
            parts.reduce<number>((s, p) => s + (p ?? 0), 0),
            1,
          );
      });
    }
  });

  it('can leave the outages out for clean training data', () => {
    const history = simulateHistory(city, FROM, TO, STEP, { withDropouts: false });
    expect(history.traffic.every((s) => s.vehicleCount.every((v) => v !== null))).toBe(true);
    expect(history.substations.every((s) => s.loadKw.every((v) => v !== null))).toBe(true);
  });

  it('iterates every published reading of the grid in time order', () => {
    const readings = [...iterateReadings(city, FROM, FROM + HOUR_MS, STEP)];
    const expected = Array.from(
      { length: 12 },
      (_, i) => sampleCity(city, FROM + i * STEP, STEP).readings.length,
    );
    expect(readings).toHaveLength(expected.reduce((a, b) => a + b, 0));
    for (let i = 1; i < readings.length; i++)
      expect(readings[i].tMs).toBeGreaterThanOrEqual(readings[i - 1].tMs);
  });

  it.each([
    [FROM, FROM, STEP, /toMs/],
    [FROM, TO, 0, /stepMs/],
    [FROM, TO, 1.5, /stepMs/],
    [-1, TO, STEP, /fromMs/],
    [0, 400 * DAY_MS, 1, /at most/],
  ])('rejects from=%p to=%p step=%p', (from, to, step, message) => {
    expect(() => simulateHistory(city, from, to, step)).toThrow(RangeError);
    expect(() => simulateHistory(city, from, to, step)).toThrow(message);
  });

  it('bounds the number of steps', () => {
    expect(MAX_HISTORY_STEPS).toBeGreaterThanOrEqual(366 * 24 * 60);
  });
});
