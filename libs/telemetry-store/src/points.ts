import type { TelemetryReading } from '@polis/contracts';

// The escaping of the `influx` package's line protocol: commas and spaces in measurements, and `=` as well in
// tag keys, tag values and field keys. Tokens of the sensor contract never need it; model labels may.
const COMMA = 44;
const SPACE = 32;
const EQUALS = 61;

/** A scan instead of a regex: most names need no escape, and this runs for every tag of every reading. */
function hasSpecial(name: string, equals: boolean): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === COMMA || c === SPACE || (equals && c === EQUALS)) return true;
  }
  return false;
}

const escapeMeasurement = (name: string) => (hasSpecial(name, false) ? name.replace(/[, ]/g, '\\$&') : name);
const escapeTag = (name: string) => (hasSpecial(name, true) ? name.replace(/[,= ]/g, '\\$&') : name);

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
