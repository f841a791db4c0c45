import type { TelemetryReading } from '@polis/contracts';

// The escaping of the `influx` package's line protocol: commas and spaces in measurements, and `=` as well in
// tag keys, tag values and field keys. Tokens of the sensor contract never need it; model labels may.
const MEASUREMENT_SPECIAL = /[, ]/g;
const TAG_SPECIAL = /[,= ]/g;
const escapeMeasurement = (name: string) => name.replace(MEASUREMENT_SPECIAL, '\\$&');
const escapeTag = (name: string) => name.replace(TAG_SPECIAL, '\\$&');

/**
 * One reading as an InfluxDB line: measurement = kind, tags site and sensor, fields = values (floats, as the
 * `influx` package writes numbers), millisecond timestamp. A reading's identity in InfluxDB is
 * measurement + tags + timestamp, so a redelivered message overwrites its own point instead of adding one.
 * Built here rather than by `influx`'s writePoints, whose per-point schema coercion, sorting and escaping
 * cost more CPU per reading than the whole validation.
 */
export function readingToLine(reading: TelemetryReading): string {
  let fields = '';
  for (const field in reading.values) {
    fields += `${fields ? ',' : ''}${escapeTag(field)}=${reading.values[field]}`;
  }
  return (
    `${escapeMeasurement(reading.sensorKind)},sensor=${escapeTag(reading.sensorId)},` +
    `site=${escapeTag(reading.siteId)} ${fields} ${reading.ts}`
  );
}
