import { readAirQuality } from './air-quality';
import type { City, SimSensor, SimSensorKind } from './city';
import { isOffline } from './dropout';
import { readEnergyMeter } from './energy';
import { readTrafficLoop } from './traffic';

/** One simulated reading, addressed like the telemetry contract (site, kind, sensor). */
export interface SimReading {
  siteId: string;
  sensorKind: SimSensorKind;
  sensorId: string;
  /** Simulated time the reading describes (end of its interval), epoch ms. */
  tMs: number;
  values: Record<string, number>;
}

export interface CitySample {
  tMs: number;
  readings: SimReading[];
  /** Sensors that are in an outage at `tMs` and publish nothing. */
  offline: SimSensor[];
}

/**
 * The values a sensor reports at `tMs`, whether or not it is in an outage. `intervalMs` is the length of
 * the reporting interval that ends at `tMs` (loop counts are per interval).
 */
export function readSensor(
  city: City,
  sensor: SimSensor,
  tMs: number,
  intervalMs: number,
): Record<string, number> {
  switch (sensor.kind) {
    case 'traffic-loop':
      return { ...readTrafficLoop(city, sensor, tMs, intervalMs) };
    case 'air-quality':
      return { ...readAirQuality(city, sensor, tMs) };
    case 'energy-meter':
      return { ...readEnergyMeter(city, sensor, tMs) };
  }
}

export function isSensorOffline(city: City, sensor: SimSensor, tMs: number): boolean {
  return isOffline(city.dropout, city.seedHash, sensor.key, tMs);
}

function assertTime(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of milliseconds, got ${value}`);
  }
}

/** Everything the city publishes at one simulated instant. */
export function sampleCity(city: City, tMs: number, intervalMs: number): CitySample {
  assertTime('tMs', tMs);
  assertTime('intervalMs', intervalMs);
  const readings: SimReading[] = [];
  const offline: SimSensor[] = [];
  for (const sensor of city.sensors) {
    if (isSensorOffline(city, sensor, tMs)) {
      offline.push(sensor);
      continue;
    }
    readings.push({
      siteId: sensor.siteId,
      sensorKind: sensor.kind,
      sensorId: sensor.sensorId,
      tMs,
      values: readSensor(city, sensor, tMs, intervalMs),
    });
  }
  return { tMs, readings, offline };
}

/** The contract's payload, `{"ts": <epoch ms>, "values": {...}}`, as UTF-8 bytes. */
export function encodeTelemetryPayload(ts: number, values: Record<string, number>): Uint8Array {
  return Buffer.from(JSON.stringify({ ts, values }), 'utf8');
}
