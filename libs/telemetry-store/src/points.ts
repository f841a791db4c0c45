import type { IPoint } from 'influx';
import type { TelemetryReading } from '@polis/contracts';

/**
 * A reading's identity in InfluxDB is measurement + tags + millisecond timestamp, so a redelivered
 * message overwrites its own point instead of adding one.
 */
export function readingToPoint(reading: TelemetryReading): IPoint {
  return {
    measurement: reading.sensorKind,
    tags: { site: reading.siteId, sensor: reading.sensorId },
    fields: reading.values,
    timestamp: reading.ts,
  };
}
