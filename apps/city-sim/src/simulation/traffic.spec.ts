import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';
import { createCity } from './city';
import { simulateHistory } from './history';
import { approachState } from './traffic';

const MONDAY = Date.UTC(2025, 0, 13);
const SATURDAY = Date.UTC(2025, 0, 18);
const SEEDS = Array.from({ length: 12 }, (_, i) => `traffic-${i}`);

/** Vehicles counted by every loop of the city between two local hours of a day, in 5-minute intervals. */
function vehicles(seed: string, dayStart: number, fromHour: number, toHour: number): number {
  const city = createCity({ seed, intersections: 4, substations: 0 });
  const history = simulateHistory(
    city,
    dayStart + fromHour * HOUR_MS,
    dayStart + toHour * HOUR_MS,
    5 * MINUTE_MS,
    { withDropouts: false },
  );
  return history.traffic.flatMap((s) => s.vehicleCount).reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

const pearson = (a: number[], b: number[]): number => {
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(a);
  const mb = mean(b);
  let cov = 0;
  let va = 0;
  let vb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? mb;
    cov += (x - ma) * (y - mb);
    va += (x - ma) ** 2;
    vb += (y - mb) ** 2;
  });
  return cov / Math.sqrt(va * vb);
};

describe('traffic patterns', () => {
  it.each(SEEDS)('weekday rush hours carry several times the night traffic (seed %s)', (seed) => {
    const night = vehicles(seed, MONDAY, 2, 4);
    expect(vehicles(seed, MONDAY, 7, 9)).toBeGreaterThan(5 * night);
    expect(vehicles(seed, MONDAY, 16.5, 18.5)).toBeGreaterThan(5 * night);
  });

  it('has no morning commute at the weekend', () => {
    for (const seed of SEEDS) {
      expect(vehicles(seed, MONDAY, 7, 9)).toBeGreaterThan(1.4 * vehicles(seed, SATURDAY, 7, 9));
    }
  });

  it('loads the inbound approach in the morning and the outbound one in the evening', () => {
    const city = createCity({ seed: 'tide', intersections: 8, substations: 0 });
    for (const x of city.intersections) {
      const inbound = x.loops.find((l) => l.morningRushWeight === 1);
      const outbound = x.loops.find((l) => l.eveningRushWeight === 1);
      if (!inbound || !outbound) throw new Error('layout without a tidal arterial');
      const demand = (loop: typeof inbound, hour: number): number =>
        approachState(city, loop, MONDAY + hour * HOUR_MS).demandRatio / loop.peakDemandRatio;
      expect(demand(inbound, 8)).toBeGreaterThan(demand(outbound, 8));
      expect(demand(outbound, 17.5)).toBeGreaterThan(demand(inbound, 17.5));
    }
  });

  it('never reports a higher speed together with a higher occupancy in the underlying state', () => {
    const city = createCity({ seed: 'greenshields', intersections: 3, substations: 0 });
    for (const loop of city.intersections.flatMap((x) => x.loops)) {
      const states = Array.from({ length: 288 }, (_, i) =>
        approachState(city, loop, MONDAY + i * 5 * MINUTE_MS),
      ).sort((a, b) => a.occupancyPct - b.occupancyPct);
      for (let i = 1; i < states.length; i++) {
        expect(states[i].speedKmh).toBeLessThanOrEqual(states[i - 1].speedKmh);
      }
      expect(states.at(-1)!.speedKmh).toBeLessThan(states[0].speedKmh * 0.9);
    }
  });

  it('measured speed falls as measured occupancy rises, through the noise', () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const city = createCity({ seed, intersections: 3, substations: 0 });
      const history = simulateHistory(city, MONDAY, MONDAY + DAY_MS, 5 * MINUTE_MS, { withDropouts: false });
      for (const series of history.traffic) {
        expect(pearson(series.meanSpeedKmh as number[], series.occupancyPct as number[])).toBeLessThan(-0.5);
      }
    }
  });

  it('queues form above capacity: density keeps rising while throughput falls', () => {
    const city = createCity({ seed: 'jam', intersections: 1, substations: 0 });
    const loop = { ...city.intersections[0].loops[0], peakDemandRatio: 1.3, morningRushWeight: 1 };
    const peak = approachState(city, loop, MONDAY + 8 * HOUR_MS);
    expect(peak.demandRatio).toBeGreaterThan(1);
    expect(peak.densityRatio).toBeGreaterThan(0.5);
    expect(peak.throughputVph).toBeLessThan(loop.capacityVph);
    expect(peak.speedKmh).toBeLessThan(loop.freeFlowKmh / 2);
  });

  it('counts scale with the reporting interval', () => {
    const city = createCity({ seed: 'interval', intersections: 6, substations: 0 });
    const from = MONDAY + 10 * HOUR_MS;
    const total = (stepMs: number): number =>
      simulateHistory(city, from, from + 2 * HOUR_MS, stepMs, { withDropouts: false })
        .traffic.flatMap((s) => s.vehicleCount)
        .reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const perMinute = total(MINUTE_MS);
    const perQuarter = total(15 * MINUTE_MS);
    expect(perQuarter / perMinute).toBeGreaterThan(0.85);
    expect(perQuarter / perMinute).toBeLessThan(1.15);
  });
});
