import { SeededRandom } from '../train/random';

/**
 * A small deterministic stand-in for the city simulator: one traffic-loop approach and one substation feeder
 * with daily patterns. Field names mirror the built-in sensor kinds so real history can replace it later.
 */

export const TRAFFIC_INTERVAL_S = 300;
export const ENERGY_INTERVAL_S = 900;
/** Monday 2025-01-06 00:00 UTC: series start on a week boundary so weekday effects line up. */
export const SERIES_START_MS = Date.UTC(2025, 0, 6);

export const CONGESTION_LEVELS = ['free', 'slow', 'congested'] as const;
export type CongestionLevel = 0 | 1 | 2;

export interface TrafficSample {
  ts: number;
  values: { vehicleCount: number; meanSpeedKmh: number; occupancyPct: number };
  /** Ground truth from the true (noise-free) speed. */
  congestion: CongestionLevel;
}

export interface EnergySample {
  ts: number;
  /** Air temperature from the weather feed (°C): context, not a meter field. */
  temperatureC: number;
  values: { activePowerKw: number; voltageV: number; frequencyHz: number };
  /** True while an injected fault (spike or drop) distorts the reading. */
  anomaly: boolean;
}

export interface SeriesOptions {
  seed: number;
  days: number;
}

const bump = (hour: number, centre: number, width: number): number =>
  Math.exp(-0.5 * ((hour - centre) / width) ** 2);

export function hourOfDay(ts: number): number {
  return (((ts / 3_600_000) % 24) + 24) % 24;
}

export function isWeekend(ts: number): boolean {
  const day = new Date(ts).getUTCDay();
  return day === 0 || day === 6;
}

/** Vehicles arriving per 5 minutes: morning and evening rush on weekdays, a midday hump at weekends. */
function trafficDemand(hour: number, weekend: boolean): number {
  if (weekend) return 12 + 75 * bump(hour, 13, 3.5);
  return 10 + 110 * bump(hour, 8, 1) + 120 * bump(hour, 17.5, 1.3) + 50 * bump(hour, 13, 3);
}

const FREE_SPEED_KMH = 50;
const CAPACITY_PER_INTERVAL = 130;

/** BPR-style speed drop with the demand-to-capacity ratio (queued vehicles included). */
function trueSpeed(loadRatio: number): number {
  return FREE_SPEED_KMH / (1 + loadRatio ** 4);
}

function congestionOf(speed: number): CongestionLevel {
  if (speed > 38) return 0;
  return speed > 22 ? 1 : 2;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

export function generateTrafficLoop(options: SeriesOptions): TrafficSample[] {
  const random = new SeededRandom(options.seed);
  const perDay = 86_400 / TRAFFIC_INTERVAL_S;
  const samples: TrafficSample[] = [];
  let queue = 0;
  let incidentLeft = 0;
  let dayFactor = 1;
  for (let i = 0; i < options.days * perDay; i++) {
    const ts = SERIES_START_MS + i * TRAFFIC_INTERVAL_S * 1000;
    if (i % perDay === 0) dayFactor = random.normal(1, 0.08);
    // Incidents (breakdowns, roadworks) halve capacity for 30-90 minutes.
    if (incidentLeft > 0) incidentLeft--;
    else if (random.next() < 0.003) incidentLeft = 6 + random.int(13);
    const capacity = CAPACITY_PER_INTERVAL * (incidentLeft > 0 ? 0.5 : 1);
    const demand = Math.max(0, trafficDemand(hourOfDay(ts), isWeekend(ts)) * dayFactor);
    const arriving = Math.max(0, demand + random.normal(0, Math.sqrt(demand + 1)));
    const served = Math.min(arriving + queue, capacity);
    const speed = trueSpeed((arriving + queue) / capacity);
    queue = Math.min(400, arriving + queue - served);
    const count = Math.round(served);
    samples.push({
      ts,
      values: {
        vehicleCount: count,
        meanSpeedKmh: clamp(speed + random.normal(0, 3), 1, 120),
        occupancyPct: clamp((6 * count) / speed + random.normal(0, 2), 0, 100),
      },
      congestion: congestionOf(speed),
    });
  }
  return samples;
}

export interface EnergyOptions extends SeriesOptions {
  /** Probability per interval that a fault starts (0 for clean history). */
  anomalyRate: number;
}

/** Feeder load (kW): morning and evening peaks, cooling above 22 °C and heating below 14 °C. */
function feederLoad(hour: number, weekend: boolean, temperature: number): number {
  const activity = weekend ? 0.7 : 1;
  const profile =
    700 + activity * (300 * bump(hour, 8, 1.5) + 450 * bump(hour, 19, 2.2) + 150 * bump(hour, 13, 3));
  return profile + 35 * Math.max(0, temperature - 22) ** 1.3 + 25 * Math.max(0, 14 - temperature);
}

export function generateEnergyMeter(options: EnergyOptions): EnergySample[] {
  const random = new SeededRandom(options.seed);
  const perDay = 86_400 / ENERGY_INTERVAL_S;
  const samples: EnergySample[] = [];
  let dayMean = 20;
  let noise = 0;
  let faultLeft = 0;
  let faultFactor = 1;
  for (let i = 0; i < options.days * perDay; i++) {
    const ts = SERIES_START_MS + i * ENERGY_INTERVAL_S * 1000;
    const hour = hourOfDay(ts);
    // Day-to-day weather wanders but reverts to a seasonal mean, so test weeks stay in the trained range.
    if (i % perDay === 0) dayMean = clamp(20 + 0.7 * (dayMean - 20) + random.normal(0, 2.5), 5, 34);
    const temperatureC = dayMean + 6 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + random.normal(0, 0.4);
    noise = 0.8 * noise + random.normal(0, 15);
    if (faultLeft > 0) faultLeft--;
    else if (random.next() < options.anomalyRate) {
      faultLeft = 1 + random.int(8);
      faultFactor = 1 + (random.next() < 0.5 ? -1 : 1) * random.uniform(0.12, 0.4);
    }
    const anomaly = faultLeft > 0;
    const load = (feederLoad(hour, isWeekend(ts), temperatureC) + noise) * (anomaly ? faultFactor : 1);
    samples.push({
      ts,
      temperatureC,
      values: {
        activePowerKw: load,
        voltageV: 11_000 - 0.4 * load + random.normal(0, 15),
        frequencyHz: 50 + random.normal(0, 0.02),
      },
      anomaly,
    });
  }
  return samples;
}
