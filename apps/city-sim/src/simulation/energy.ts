import { MINUTE_MS, bump, localTime, plateau, type LocalTime } from './calendar';
import type { City, EnergyMeterSensor, FeederProfile } from './city';
import { gaussian, smoothNoise, streamKey } from './prng';
import { clamp, roundTo } from './rounding';
import { outdoorTemperatureC } from './weather';

export interface EnergyMeterValues {
  activePowerKw: number;
  voltageV: number;
  frequencyHz: number;
}

export const NOMINAL_FREQUENCY_HZ = 50;

/** Load as a fraction of the feeder's rating, before temperature, on a mild day. */
export function dailyLoadShape(profile: FeederProfile, local: LocalTime): number {
  const h = local.hour;
  switch (profile) {
    case 'residential':
      return local.isWeekend
        ? 0.3 + 0.2 * bump(h, 9.5, 1.6) + 0.15 * plateau(h, 10, 17) + 0.38 * bump(h, 19, 2.2)
        : 0.28 + 0.18 * bump(h, 7.3, 1.1) + 0.12 * plateau(h, 9, 17) + 0.42 * bump(h, 19.3, 2);
    case 'commercial':
      return local.isWeekend
        ? 0.18 + 0.2 * plateau(h, 10, 17)
        : 0.18 + 0.55 * plateau(h, 8, 18.5, 0.7) + 0.05 * bump(h, 13, 1.5);
    case 'industrial':
      return local.isWeekend ? 0.42 + 0.08 * plateau(h, 6, 22, 0.4) : 0.45 + 0.3 * plateau(h, 6, 22, 0.4);
  }
}

/** Extra load per degree below the heating base / above the cooling base, as a fraction of the rating. */
const THERMAL_SENSITIVITY: Record<FeederProfile, { heating: number; cooling: number }> = {
  residential: { heating: 0.018, cooling: 0.012 },
  commercial: { heating: 0.01, cooling: 0.03 },
  industrial: { heating: 0.004, cooling: 0.01 },
};
export const HEATING_BASE_C = 15;
export const COOLING_BASE_C = 22;

// Voltage drop across the transformer and line at full rated load.
const SAG_AT_RATED_LOAD = 0.035;

/** The meter's expected load (with slow swings, without measurement noise), kW. */
export function feederLoadKw(city: City, meter: EnergyMeterSensor, tMs: number): number {
  const local = localTime(tMs, city.utcOffsetMinutes);
  const temperature = outdoorTemperatureC(city.climate, city.seedHash, tMs, city.utcOffsetMinutes);
  const sensitivity = THERMAL_SENSITIVITY[meter.profile];
  const thermal =
    sensitivity.heating * Math.max(0, HEATING_BASE_C - temperature) +
    sensitivity.cooling * Math.max(0, temperature - COOLING_BASE_C);
  const swing = 1 + 0.03 * smoothNoise(streamKey(city.seedHash, `${meter.key}:swing`), tMs, 10 * MINUTE_MS);
  return meter.ratedKw * (dailyLoadShape(meter.profile, local) + thermal) * swing;
}

/** Grid frequency is one value for the whole interconnection: every meter sees the same slow wander. */
export function gridFrequencyHz(city: City, tMs: number): number {
  const fast = 0.02 * smoothNoise(streamKey(city.seedHash, 'grid:frequency'), tMs, 20_000);
  const slow = 0.01 * smoothNoise(streamKey(city.seedHash, 'grid:frequency-slow'), tMs, 15 * MINUTE_MS);
  return NOMINAL_FREQUENCY_HZ + fast + slow;
}

export function readEnergyMeter(city: City, meter: EnergyMeterSensor, tMs: number): EnergyMeterValues {
  const noise = (purpose: string): number =>
    gaussian(streamKey(city.seedHash, `${meter.key}:${purpose}`), tMs);
  const loadKw = Math.max(0, feederLoadKw(city, meter, tMs) + 0.01 * meter.ratedKw * noise('power'));
  const voltage =
    meter.nominalVoltageV *
    (1 + meter.tapOffset - SAG_AT_RATED_LOAD * (loadKw / meter.ratedKw)) *
    (1 + 0.0015 * noise('voltage'));
  const frequency = gridFrequencyHz(city, tMs) + 0.002 * noise('frequency');
  return {
    activePowerKw: roundTo(loadKw, 1),
    voltageV: roundTo(clamp(voltage, 0, 1_000_000), 1),
    frequencyHz: roundTo(clamp(frequency, NOMINAL_FREQUENCY_HZ - 0.2, NOMINAL_FREQUENCY_HZ + 0.2), 3),
  };
}
