import { MINUTE_MS } from './calendar';
import type { AirQualitySensor, City } from './city';
import { gaussian, smoothNoise, streamKey } from './prng';
import { clamp, roundTo } from './rounding';
import { approachState } from './traffic';
import { outdoorTemperatureC } from './weather';

export interface AirQualityValues {
  pm25: number;
  no2: number;
}

// Pollutants linger: the station sees the traffic of the last half hour, not of this instant.
const EXPOSURE_LAGS_MS = [0, 15 * MINUTE_MS, 30 * MINUTE_MS];
const NO2_PER_VPH = 0.014;
const PM25_PER_VPH = 0.004;
const NO2_BACKGROUND = 10;
const PM25_BACKGROUND = 5;
// Domestic heating (wood, oil) adds fine particulates when it is cold.
const PM25_PER_HEATING_DEGREE = 0.4;
const HEATING_BASE_C = 12;

export function intersectionFlowVph(city: City, station: AirQualitySensor, tMs: number): number {
  let total = 0;
  for (const lag of EXPOSURE_LAGS_MS) {
    for (const loop of station.loops) total += approachState(city, loop, tMs - lag).throughputVph;
  }
  return total / EXPOSURE_LAGS_MS.length;
}

export function readAirQuality(city: City, station: AirQualitySensor, tMs: number): AirQualityValues {
  const traffic = station.exposure * intersectionFlowVph(city, station, tMs);
  const temperature = outdoorTemperatureC(city.climate, city.seedHash, tMs, city.utcOffsetMinutes);
  const heating = Math.max(0, HEATING_BASE_C - temperature);
  // Wind and mixing height change slowly and scale every pollutant the same way.
  const dispersion =
    1 + 0.15 * smoothNoise(streamKey(city.seedHash, `${station.key}:dispersion`), tMs, 45 * MINUTE_MS);
  const noise = (purpose: string): number =>
    gaussian(streamKey(city.seedHash, `${station.key}:${purpose}`), tMs);
  const pm25 = (PM25_BACKGROUND + PM25_PER_HEATING_DEGREE * heating + PM25_PER_VPH * traffic) * dispersion;
  const no2 = (NO2_BACKGROUND + NO2_PER_VPH * traffic) * dispersion;
  return {
    pm25: roundTo(clamp(pm25 + 0.8 * noise('pm25'), 0, Number.MAX_VALUE), 1),
    no2: roundTo(clamp(no2 + 1.5 * noise('no2'), 0, Number.MAX_VALUE), 1),
  };
}
