import { HOUR_MS, DAY_MS, MINUTE_MS, bump, localTime, plateau, type LocalTime } from './calendar';
import type { City, TrafficLoopSensor } from './city';
import { gaussian, poisson, smoothNoise, streamKey } from './prng';
import { clamp, roundTo } from './rounding';

export interface TrafficLoopValues {
  vehicleCount: number;
  meanSpeedKmh: number;
  occupancyPct: number;
}

/** The expected (noise-free apart from slow demand swings) state of one approach at an instant. */
export interface ApproachState {
  /** Demand / capacity. */
  demandRatio: number;
  /** Density / jam density, 0..1. */
  densityRatio: number;
  throughputVph: number;
  speedKmh: number;
  occupancyPct: number;
}

/** Weekday or weekend demand as a fraction of the approach's peak demand (about 0.04 at night, 1 at the peak). */
export function demandShape(local: LocalTime, loop: TrafficLoopSensor): number {
  const h = local.hour;
  if (local.isWeekend) {
    // No commute: a late, broad shopping and leisure peak.
    return 0.04 + 0.3 * plateau(h, 8.5, 23) + 0.3 * bump(h, 13.5, 2.5) + 0.08 * bump(h, 20, 1.5);
  }
  return (
    0.04 +
    0.42 * plateau(h, 6.5, 21) +
    0.55 * loop.morningRushWeight * bump(h, 8, 1) +
    0.55 * loop.eveningRushWeight * bump(h, 17.5, 1.4) +
    0.05 * bump(h, 12.5, 1.5)
  );
}

// Above capacity, density grows this fast with the excess demand (queue spill-back).
const CONGESTION_GROWTH = 1.5;
const MAX_DENSITY_RATIO = 0.95;

/**
 * Greenshields' model: speed falls linearly with density, flow = speed x density peaks at half the jam
 * density. Below capacity we take the free-flow branch for the demanded flow; above it, density keeps
 * growing and throughput falls (a queue).
 */
export function approachState(city: City, loop: TrafficLoopSensor, tMs: number): ApproachState {
  const local = localTime(tMs, city.utcOffsetMinutes);
  const swing =
    1 +
    0.06 * smoothNoise(streamKey(city.seedHash, `${loop.key}:demand`), tMs, 20 * MINUTE_MS) +
    0.04 * smoothNoise(streamKey(city.seedHash, `${loop.key}:day`), tMs, DAY_MS);
  const demandRatio = Math.max(0, loop.peakDemandRatio * demandShape(local, loop) * swing);
  const densityRatio =
    demandRatio <= 1
      ? (1 - Math.sqrt(1 - demandRatio)) / 2
      : Math.min(MAX_DENSITY_RATIO, 0.5 + (demandRatio - 1) * CONGESTION_GROWTH);
  const throughputVph = loop.capacityVph * 4 * densityRatio * (1 - densityRatio);
  return {
    demandRatio,
    densityRatio,
    throughputVph,
    speedKmh: loop.freeFlowKmh * (1 - densityRatio),
    // A loop is occupied a small share of the time in free flow (~25 % at capacity) and nearly always in a jam.
    occupancyPct: 100 * densityRatio ** 1.9,
  };
}

/** What the loop reports for the interval of `intervalMs` that ends at `tMs`. */
export function readTrafficLoop(
  city: City,
  loop: TrafficLoopSensor,
  tMs: number,
  intervalMs: number,
): TrafficLoopValues {
  const state = approachState(city, loop, tMs);
  const noise = (purpose: string): number =>
    gaussian(streamKey(city.seedHash, `${loop.key}:${purpose}`), tMs);
  return {
    vehicleCount: poisson(
      (state.throughputVph * intervalMs) / HOUR_MS,
      streamKey(city.seedHash, `${loop.key}:count`),
      tMs,
    ),
    meanSpeedKmh: roundTo(clamp(state.speedKmh * (1 + 0.05 * noise('speed')), 0, 250), 1),
    occupancyPct: roundTo(
      clamp(state.occupancyPct * (1 + 0.08 * noise('occupancy')) + 0.3 * noise('occ-abs'), 0, 100),
      1,
    ),
  };
}
