import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';
import { createCity, type CityOptions } from './city';
import { NOMINAL_FREQUENCY_HZ, readEnergyMeter } from './energy';
import { simulateHistory } from './history';

const MONDAY = Date.UTC(2025, 0, 13);
const STEADY = { seasonalAmplitudeC: 0, dailyAmplitudeC: 0, weatherVariabilityC: 0 };

/** Mean total load of the city's substations over a weekday. */
function meanWeekdayLoadKw(options: CityOptions): number {
  const city = createCity(options);
  const history = simulateHistory(city, MONDAY, MONDAY + DAY_MS, 15 * MINUTE_MS, { withDropouts: false });
  const loads = history.substations.flatMap((s) => s.loadKw) as number[];
  return loads.reduce((a, b) => a + b, 0) / history.timestamps.length;
}

describe('substation load', () => {
  it.each(['a', 'b', 'c', 'd', 'e'])('rises at both temperature extremes (seed %s)', (seed) => {
    const at = (annualMeanC: number): number =>
      meanWeekdayLoadKw({ seed, intersections: 0, substations: 3, climate: { ...STEADY, annualMeanC } });
    const mild = at(18);
    expect(at(-5)).toBeGreaterThan(1.1 * mild);
    expect(at(33)).toBeGreaterThan(1.05 * mild);
    // More extreme, more load.
    expect(at(-15)).toBeGreaterThan(at(-5));
  });

  it('tracks heating and cooling degrees through a year of weather', () => {
    const city = createCity({ seed: 'year', intersections: 0, substations: 2 });
    const yearStart = Date.UTC(2025, 0, 1);
    const history = simulateHistory(city, yearStart, yearStart + 365 * DAY_MS, HOUR_MS, {
      withDropouts: false,
    });
    const loads: number[] = [];
    const degrees: number[] = [];
    for (let day = 0; day < 365; day++) {
      const weekday = new Date(yearStart + day * DAY_MS).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const hours = Array.from({ length: 24 }, (_, h) => day * 24 + h);
      const temperature = hours.reduce((s, i) => s + history.outdoorTemperatureC[i], 0) / 24;
      loads.push(
        hours.reduce((s, i) => s + history.substations.reduce((t, x) => t + (x.loadKw[i] ?? 0), 0), 0),
      );
      degrees.push(Math.max(0, 15 - temperature) + Math.max(0, temperature - 22));
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ml = mean(loads);
    const md = mean(degrees);
    const cov = mean(loads.map((l, i) => (l - ml) * (degrees[i] - md)));
    const sl = Math.sqrt(mean(loads.map((l) => (l - ml) ** 2)));
    const sd = Math.sqrt(mean(degrees.map((d) => (d - md) ** 2)));
    expect(cov / (sl * sd)).toBeGreaterThan(0.8);
  });

  it('follows a daily curve: evening residential peak above the small hours', () => {
    const city = createCity({ seed: 'curve', intersections: 0, substations: 4, climate: STEADY });
    const history = simulateHistory(city, MONDAY, MONDAY + DAY_MS, HOUR_MS, { withDropouts: false });
    for (const station of history.substations) {
      const residential = station.feeders[0].activePowerKw;
      expect(residential[19]!).toBeGreaterThan(1.4 * residential[3]!);
    }
  });

  it('keeps voltage near nominal, sagging under load, and frequency near 50 Hz', () => {
    const city = createCity({ seed: 'grid', intersections: 0, substations: 3 });
    for (const meter of city.substations.flatMap((s) => s.feeders)) {
      const readings = Array.from({ length: 96 }, (_, i) =>
        readEnergyMeter(city, meter, MONDAY + i * 15 * MINUTE_MS),
      );
      for (const r of readings) {
        expect(Math.abs(r.voltageV / meter.nominalVoltageV - 1)).toBeLessThan(0.05);
        expect(Math.abs(r.frequencyHz - NOMINAL_FREQUENCY_HZ)).toBeLessThanOrEqual(0.2);
      }
      const byLoad = [...readings].sort((a, b) => a.activePowerKw - b.activePowerKw);
      const lightest = byLoad.slice(0, 10).reduce((s, r) => s + r.voltageV, 0);
      const heaviest = byLoad.slice(-10).reduce((s, r) => s + r.voltageV, 0);
      expect(heaviest).toBeLessThan(lightest);
    }
  });

  it('shows every meter the same grid frequency up to measurement noise', () => {
    const city = createCity({ seed: 'sync', intersections: 0, substations: 3 });
    const meters = city.substations.flatMap((s) => s.feeders);
    for (let i = 0; i < 50; i++) {
      const t = MONDAY + i * 37_000;
      const frequencies = meters.map((m) => readEnergyMeter(city, m, t).frequencyHz);
      expect(Math.max(...frequencies) - Math.min(...frequencies)).toBeLessThan(0.02);
    }
  });
});
