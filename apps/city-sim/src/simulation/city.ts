import { z } from 'zod';
import { DEFAULT_DROPOUT_WINDOW, type DropoutModel } from './dropout';
import { createRng, hashString } from './prng';
import { TEMPERATE_CLIMATE, type Climate } from './weather';

export const APPROACHES = ['n', 'e', 's', 'w'] as const;
export type Approach = (typeof APPROACHES)[number];

interface SensorIdentity {
  siteId: string;
  sensorId: string;
  /** `<siteId>/<sensorId>`: unique in the city, names the sensor's random streams. */
  key: string;
}

/** An inductive loop on one approach of an intersection (all lanes of that approach). */
export interface TrafficLoopSensor extends SensorIdentity {
  kind: 'traffic-loop';
  approach: Approach;
  /** Saturation flow of the approach, vehicles per hour. */
  capacityVph: number;
  /** Weekday peak demand as a fraction of capacity; above 1 queues form and speed collapses. */
  peakDemandRatio: number;
  /** Share of the morning (towards the centre) and evening (away from it) rush this approach carries, 0..1. */
  morningRushWeight: number;
  eveningRushWeight: number;
  freeFlowKmh: number;
}

/** A roadside station; what it measures follows the traffic of its intersection's loops. */
export interface AirQualitySensor extends SensorIdentity {
  kind: 'air-quality';
  loops: readonly TrafficLoopSensor[];
  /** How much of the street's emissions reach the station (street canyon > 1, open square < 1). */
  exposure: number;
}

export const FEEDER_PROFILES = ['residential', 'commercial', 'industrial'] as const;
export type FeederProfile = (typeof FEEDER_PROFILES)[number];

/** A meter on one outgoing feeder of a substation. */
export interface EnergyMeterSensor extends SensorIdentity {
  kind: 'energy-meter';
  profile: FeederProfile;
  ratedKw: number;
  nominalVoltageV: number;
  /** Transformer tap set point relative to nominal voltage (0.01 = +1 %), compensating the sag under load. */
  tapOffset: number;
}

export type SimSensor = TrafficLoopSensor | AirQualitySensor | EnergyMeterSensor;
export type SimSensorKind = SimSensor['kind'];

export interface Intersection {
  siteId: string;
  loops: readonly TrafficLoopSensor[];
  airQuality?: AirQualitySensor;
}

export interface Substation {
  siteId: string;
  feeders: readonly EnergyMeterSensor[];
}

export interface City {
  seed: string;
  /** 32-bit hash of the seed: the root of every random stream. */
  seedHash: number;
  utcOffsetMinutes: number;
  climate: Climate;
  dropout: DropoutModel;
  intersections: readonly Intersection[];
  substations: readonly Substation[];
  /** Every sensor, intersections first, in a stable order. */
  sensors: readonly SimSensor[];
}

const climateSchema = z
  .object({
    annualMeanC: z.number().min(-40).max(40),
    seasonalAmplitudeC: z.number().min(0).max(30),
    dailyAmplitudeC: z.number().min(0).max(15),
    weatherVariabilityC: z.number().min(0).max(10),
  })
  .strict();

export const cityOptionsSchema = z
  .object({
    seed: z.union([z.string().min(1).max(128), z.number().finite()]).transform(String),
    intersections: z.number().int().min(0).max(999).default(6),
    substations: z.number().int().min(0).max(999).default(3),
    /** Fraction of intersections that have an air-quality station, spread evenly. */
    airQualityShare: z.number().min(0).max(1).default(0.5),
    /** Probability that a sensor has an outage in a given simulated hour. */
    dropoutProbability: z.number().min(0).max(1).default(0.05),
    utcOffsetMinutes: z
      .number()
      .int()
      .min(-14 * 60)
      .max(14 * 60)
      .default(0),
    climate: climateSchema.partial().default({}),
  })
  .strict()
  .refine((o) => o.intersections + o.substations > 0, { message: 'a city needs at least one site' });

export type CityOptions = z.input<typeof cityOptionsSchema>;

export class InvalidCityOptionsError extends Error {
  override readonly name = 'InvalidCityOptionsError';
}

/** The unique key of a sensor in the city: `<siteId>/<sensorId>`. */
export function sensorKey(siteId: string, sensorId: string): string {
  return `${siteId}/${sensorId}`;
}

const siteId = (prefix: string, index: number): string => `${prefix}-${String(index + 1).padStart(2, '0')}`;

/** Deterministic city layout: the same options always give the same sites, sensors and parameters. */
export function createCity(options: CityOptions): City {
  const parsed = cityOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidCityOptionsError(
      `invalid city options: ${issue?.path.join('.') || 'options'}: ${issue?.message}`,
    );
  }
  const o = parsed.data;
  const seedHash = hashString(o.seed);
  const random = createRng(seedHash);
  const between = (low: number, high: number): number => low + random() * (high - low);

  const intersections: Intersection[] = [];
  for (let i = 0; i < o.intersections; i++) {
    const id = siteId('traffic', i);
    const loops = createLoops(id, between);
    const hasStation = Math.floor((i + 1) * o.airQualityShare) > Math.floor(i * o.airQualityShare);
    const airQuality: AirQualitySensor | undefined = hasStation
      ? {
          kind: 'air-quality',
          siteId: id,
          sensorId: 'aq-1',
          key: sensorKey(id, 'aq-1'),
          loops,
          exposure: between(0.7, 1.3),
        }
      : undefined;
    intersections.push(airQuality ? { siteId: id, loops, airQuality } : { siteId: id, loops });
  }

  const substations: Substation[] = [];
  for (let i = 0; i < o.substations; i++) {
    substations.push(createSubstation(siteId('energy', i), between));
  }

  const sensors: SimSensor[] = [
    ...intersections.flatMap((x) => (x.airQuality ? [...x.loops, x.airQuality] : [...x.loops])),
    ...substations.flatMap((s) => s.feeders),
  ];
  return {
    seed: o.seed,
    seedHash,
    utcOffsetMinutes: o.utcOffsetMinutes,
    climate: { ...TEMPERATE_CLIMATE, ...o.climate },
    dropout: { probability: o.dropoutProbability, ...DEFAULT_DROPOUT_WINDOW },
    intersections,
    substations,
    sensors,
  };
}

type Between = (low: number, high: number) => number;

/** One arterial axis (busy, fast, tidal rush hours) crossing a minor street. */
function createLoops(id: string, between: Between): TrafficLoopSensor[] {
  const arterialIsNorthSouth = between(0, 1) < 0.5;
  const inbound: Approach = arterialIsNorthSouth
    ? between(0, 1) < 0.5
      ? 'n'
      : 's'
    : between(0, 1) < 0.5
      ? 'e'
      : 'w';
  return APPROACHES.map((approach) => {
    const onArterial = arterialIsNorthSouth === (approach === 'n' || approach === 's');
    const rush = onArterial
      ? approach === inbound
        ? { morningRushWeight: 1, eveningRushWeight: between(0.45, 0.65) }
        : { morningRushWeight: between(0.45, 0.65), eveningRushWeight: 1 }
      : { morningRushWeight: between(0.55, 0.85), eveningRushWeight: between(0.55, 0.85) };
    return {
      kind: 'traffic-loop',
      siteId: id,
      sensorId: `loop-${approach}`,
      key: sensorKey(id, `loop-${approach}`),
      approach,
      capacityVph: Math.round(onArterial ? between(1400, 2000) : between(600, 1000)),
      peakDemandRatio: onArterial ? between(0.85, 1.1) : between(0.6, 0.9),
      ...rush,
      freeFlowKmh: onArterial ? between(48, 60) : between(32, 45),
    };
  });
}

const RATED_KW: Record<FeederProfile, [number, number]> = {
  residential: [2000, 5000],
  commercial: [1500, 4000],
  industrial: [3000, 8000],
};

function createSubstation(id: string, between: Between): Substation {
  const nominalVoltageV = between(0, 1) < 0.5 ? 11_000 : 20_000;
  const tapOffset = between(0.005, 0.02);
  const feederCount = between(0, 1) < 0.5 ? 2 : 3;
  const feeders: EnergyMeterSensor[] = [];
  for (let f = 0; f < feederCount; f++) {
    // Every substation feeds some homes; the other feeders are a mix.
    const profile: FeederProfile =
      f === 0 ? 'residential' : (FEEDER_PROFILES[Math.floor(between(0, 3))] ?? 'residential');
    const [low, high] = RATED_KW[profile];
    const sensorId = `feeder-${f + 1}`;
    feeders.push({
      kind: 'energy-meter',
      siteId: id,
      sensorId,
      key: sensorKey(id, sensorId),
      profile,
      ratedKw: Math.round(between(low, high)),
      nominalVoltageV,
      tapOffset,
    });
  }
  return { siteId: id, feeders };
}
