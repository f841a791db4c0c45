import { readAirQuality } from './air-quality';
import { HOUR_MS, MINUTE_MS } from './calendar';
import { createCity } from './city';

const MONDAY = Date.UTC(2025, 0, 13);

describe('air quality', () => {
  it('tracks the traffic of its intersection: rush hour above the small hours', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const city = createCity({ seed, intersections: 4, substations: 0, airQualityShare: 1 });
      for (const x of city.intersections) {
        const station = x.airQuality!;
        const mean = (hour: number, field: 'no2' | 'pm25'): number => {
          const values = Array.from(
            { length: 12 },
            (_, i) => readAirQuality(city, station, MONDAY + hour * HOUR_MS + i * 5 * MINUTE_MS)[field],
          );
          return values.reduce((s, v) => s + v, 0) / values.length;
        };
        expect(mean(8, 'no2')).toBeGreaterThan(2 * mean(3, 'no2'));
        expect(mean(8, 'pm25')).toBeGreaterThan(mean(3, 'pm25'));
      }
    }
  });

  it('rises with the exposure of the station', () => {
    const city = createCity({ seed: 'exposure', intersections: 1, substations: 0, airQualityShare: 1 });
    const station = city.intersections[0].airQuality!;
    const t = MONDAY + 8 * HOUR_MS;
    const canyon = readAirQuality(city, { ...station, exposure: 1.3 }, t);
    const square = readAirQuality(city, { ...station, exposure: 0.7 }, t);
    expect(canyon.no2).toBeGreaterThan(square.no2);
  });
});
