import type { Approach, City, SimSensor } from './city';
import { isSensorOffline, readSensor, sampleCity, type SimReading } from './readings';
import { outdoorTemperatureC } from './weather';

/** Upper bound on steps of one history, so a typo in `stepMs` fails fast instead of exhausting memory. */
export const MAX_HISTORY_STEPS = 5_000_000;

export interface HistoryOptions {
  /** Leave gaps (null) where sensors were in an outage, as live consumers would see. Default true. */
  withDropouts?: boolean;
}

export interface TrafficLoopSeries {
  siteId: string;
  sensorId: string;
  approach: Approach;
  /** Vehicles counted in the interval of `stepMs` ending at each timestamp; null when the loop was offline. */
  vehicleCount: (number | null)[];
  meanSpeedKmh: (number | null)[];
  occupancyPct: (number | null)[];
}

export interface SubstationLoadSeries {
  siteId: string;
  /** Sum of the feeders' active power; null when any feeder was offline (a partial sum would mislead). */
  loadKw: (number | null)[];
  feeders: { sensorId: string; activePowerKw: (number | null)[] }[];
}

/** Training data: aligned series on one time grid, plus the outdoor temperature as an exogenous feature. */
export interface CityHistory {
  fromMs: number;
  toMs: number;
  stepMs: number;
  timestamps: number[];
  outdoorTemperatureC: number[];
  traffic: TrafficLoopSeries[];
  substations: SubstationLoadSeries[];
}

function timeGrid(fromMs: number, toMs: number, stepMs: number): number[] {
  for (const [name, value] of Object.entries({ fromMs, toMs, stepMs })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative integer number of milliseconds, got ${value}`);
    }
  }
  if (stepMs === 0) throw new RangeError('stepMs must be > 0');
  if (toMs <= fromMs) throw new RangeError(`toMs (${toMs}) must be after fromMs (${fromMs})`);
  const steps = Math.ceil((toMs - fromMs) / stepMs);
  if (steps > MAX_HISTORY_STEPS) {
    throw new RangeError(`${steps} steps requested, at most ${MAX_HISTORY_STEPS}: use a larger stepMs`);
  }
  return Array.from({ length: steps }, (_, i) => fromMs + i * stepMs);
}

/**
 * The city's history on the half-open grid [fromMs, toMs) every `stepMs`: the same generator as the
 * live publisher, so a model trained on it sees the patterns it will be served.
 */
export function simulateHistory(
  city: City,
  fromMs: number,
  toMs: number,
  stepMs: number,
  options: HistoryOptions = {},
): CityHistory {
  const timestamps = timeGrid(fromMs, toMs, stepMs);
  const withDropouts = options.withDropouts ?? true;
  const online = (sensor: SimSensor, t: number): boolean =>
    !withDropouts || !isSensorOffline(city, sensor, t);

  const traffic = city.intersections.flatMap((x) =>
    x.loops.map((loop): TrafficLoopSeries => {
      const series: TrafficLoopSeries = {
        siteId: loop.siteId,
        sensorId: loop.sensorId,
        approach: loop.approach,
        vehicleCount: [],
        meanSpeedKmh: [],
        occupancyPct: [],
      };
      for (const t of timestamps) {
        const values = online(loop, t) ? readSensor(city, loop, t, stepMs) : undefined;
        series.vehicleCount.push(values?.vehicleCount ?? null);
        series.meanSpeedKmh.push(values?.meanSpeedKmh ?? null);
        series.occupancyPct.push(values?.occupancyPct ?? null);
      }
      return series;
    }),
  );

  const substations = city.substations.map((station): SubstationLoadSeries => {
    const feeders = station.feeders.map((meter) => ({
      sensorId: meter.sensorId,
      activePowerKw: timestamps.map((t) =>
        online(meter, t) ? (readSensor(city, meter, t, stepMs).activePowerKw ?? null) : null,
      ),
    }));
    const loadKw = timestamps.map((_, i) => {
      let sum = 0;
      for (const feeder of feeders) {
        const value = feeder.activePowerKw[i];
        if (value === null || value === undefined) return null;
        sum += value;
      }
      return Math.round(sum * 10) / 10;
    });
    return { siteId: station.siteId, loadKw, feeders };
  });

  return {
    fromMs,
    toMs,
    stepMs,
    timestamps,
    outdoorTemperatureC: timestamps.map(
      (t) =>
        Math.round(outdoorTemperatureC(city.climate, city.seedHash, t, city.utcOffsetMinutes) * 100) / 100,
    ),
    traffic,
    substations,
  };
}

/** Every reading the city would publish on the grid, in time order (lazy: a year does not sit in memory). */
export function* iterateReadings(
  city: City,
  fromMs: number,
  toMs: number,
  stepMs: number,
): Generator<SimReading> {
  for (const t of timeGrid(fromMs, toMs, stepMs)) yield* sampleCity(city, t, stepMs).readings;
}
