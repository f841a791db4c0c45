import { HOUR_MS, localTime } from './calendar';
import { smoothNoise, streamKey } from './prng';

/** Outdoor temperature model parameters, in °C. The defaults are a temperate northern-hemisphere city. */
export interface Climate {
  annualMeanC: number;
  /** Half the difference between the mean of the warmest and the coldest day of the year. */
  seasonalAmplitudeC: number;
  /** Half the usual difference between the afternoon high and the pre-dawn low. */
  dailyAmplitudeC: number;
  /** Standard deviation of the weather (fronts, cold snaps) around the seasonal and daily cycle. */
  weatherVariabilityC: number;
}

export const TEMPERATE_CLIMATE: Readonly<Climate> = {
  annualMeanC: 11,
  seasonalAmplitudeC: 9,
  dailyAmplitudeC: 4.5,
  weatherVariabilityC: 2.5,
};

// The coldest day falls about three weeks after the winter solstice; the warmest hour is mid-afternoon.
const COLDEST_DAY_OF_YEAR = 20;
const WARMEST_HOUR = 15;

export function outdoorTemperatureC(
  climate: Climate,
  seed: number,
  tMs: number,
  utcOffsetMinutes: number,
): number {
  const local = localTime(tMs, utcOffsetMinutes);
  const seasonal =
    -climate.seasonalAmplitudeC * Math.cos((2 * Math.PI * (local.dayOfYear - COLDEST_DAY_OF_YEAR)) / 365.25);
  const daily = climate.dailyAmplitudeC * Math.cos((2 * Math.PI * (local.hour - WARMEST_HOUR)) / 24);
  // Two time scales: multi-day spells and a few hours of cloud or sun.
  const spells = 0.8 * smoothNoise(streamKey(seed, 'weather:spell'), tMs, 72 * HOUR_MS);
  const showers = 0.45 * smoothNoise(streamKey(seed, 'weather:hours'), tMs, 6 * HOUR_MS);
  return climate.annualMeanC + seasonal + daily + climate.weatherVariabilityC * (spells + showers);
}
