import { HOUR_MS, MINUTE_MS } from './calendar';
import { createCity } from './city';
import { DEFAULT_DROPOUT_WINDOW, isOffline, outageInWindowOf, type DropoutModel } from './dropout';
import { sampleCity } from './readings';

const MONDAY = Date.UTC(2025, 0, 13);
const model = (probability: number): DropoutModel => ({ probability, ...DEFAULT_DROPOUT_WINDOW });

describe('sensor dropout', () => {
  it('never takes a sensor offline at probability 0', () => {
    for (let i = 0; i < 24 * 60; i++)
      expect(isOffline(model(0), 1, 'traffic-01/loop-n', MONDAY + i * MINUTE_MS)).toBe(false);
  });

  it('keeps every outage inside its window and within the configured length', () => {
    const m = model(1);
    for (let hour = 0; hour < 500; hour++) {
      const outage = outageInWindowOf(m, 5, 'energy-01/feeder-1', MONDAY + hour * HOUR_MS);
      if (!outage) throw new Error('probability 1 must give an outage in every window');
      const windowStart = MONDAY + hour * HOUR_MS;
      expect(outage.startMs).toBeGreaterThanOrEqual(windowStart);
      expect(outage.endMs).toBeLessThanOrEqual(windowStart + m.windowMs);
      expect(outage.endMs - outage.startMs).toBeGreaterThanOrEqual(m.minOutageMs);
      expect(outage.endMs - outage.startMs).toBeLessThanOrEqual(m.maxOutageMs);
    }
  });

  it('hits about the configured share of sensor-hours', () => {
    let outages = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      if (outageInWindowOf(model(0.2), 11, `traffic-${i % 50}/loop-n`, MONDAY + Math.floor(i / 50) * HOUR_MS))
        outages++;
    }
    expect(outages / trials).toBeGreaterThan(0.18);
    expect(outages / trials).toBeLessThan(0.22);
  });

  it('sensors that drop out stop publishing and come back within the outage length', () => {
    const city = createCity({ seed: 'flaky', intersections: 3, substations: 2, dropoutProbability: 0.5 });
    const step = 30_000;
    const offlineSince = new Map<string, number>();
    const recovered = new Set<string>();
    for (let t = MONDAY; t < MONDAY + 12 * HOUR_MS; t += step) {
      const sample = sampleCity(city, t, step);
      const offline = new Set(sample.offline.map((s) => s.key));
      const published = new Set(sample.readings.map((r) => `${r.siteId}/${r.sensorId}`));
      for (const key of offline) expect(published.has(key)).toBe(false);
      expect(offline.size + published.size).toBe(city.sensors.length);
      for (const key of offline) if (!offlineSince.has(key)) offlineSince.set(key, t);
      for (const [key, since] of offlineSince) {
        if (offline.has(key)) {
          expect(t - since).toBeLessThanOrEqual(city.dropout.maxOutageMs);
        } else {
          recovered.add(key);
          offlineSince.delete(key);
        }
      }
    }
    // With p = 0.5 per hour over 12 hours, most of the 20 sensors must have gone and come back.
    expect(recovered.size).toBeGreaterThan(city.sensors.length / 2);
  });
});
