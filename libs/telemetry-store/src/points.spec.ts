import { InfluxDB, type IPoint } from 'influx';
import type { TelemetryReading } from '@polis/contracts';
import { readingToLine } from './points';

/** The line the `influx` package itself would send for a point, captured from its HTTP pool. */
function influxPackageLine(point: IPoint): string {
  const influx = new InfluxDB({ database: 'polis' });
  let body = '';
  (influx as unknown as { _pool: { discard: (o: { body: string }) => Promise<void> } })._pool.discard = (
    o,
  ) => {
    body = o.body;
    return Promise.resolve();
  };
  void influx.writePoints([point], { precision: 'ms' });
  return body;
}

/** Parses one line into its parts, honouring backslash escapes, so tag order does not matter. */
function parts(line: string): { measurement: string; tags: string[]; fields: string[]; ts: string } {
  const split = (s: string, sep: string) => s.split(new RegExp(`(?<!\\\\)${sep}`));
  const [head, fields, ts] = split(line, ' ');
  const [measurement, ...tags] = split(head, ',');
  return { measurement, tags: tags.sort(), fields: split(fields, ',').sort(), ts };
}

describe(readingToLine.name, () => {
  it.each<TelemetryReading>([
    {
      siteId: 'traffic-01',
      sensorKind: 'traffic-loop',
      sensorId: 'north',
      ts: 1767258000000,
      values: { vehicleCount: 14, meanSpeedKmh: 41.5, occupancyPct: 0.000001 },
    },
    {
      siteId: 'energy 2',
      sensorKind: 'inference-load-forecast',
      sensorId: 'a=b',
      ts: 1,
      values: { 'class_heavy traffic': -3e21, 'x=y,z': 0 },
    },
  ])('writes what the influx package writes for the same point (%#)', (reading) => {
    const point: IPoint = {
      measurement: reading.sensorKind,
      tags: { site: reading.siteId, sensor: reading.sensorId },
      fields: reading.values,
      timestamp: reading.ts,
    };
    expect(parts(readingToLine(reading))).toEqual(parts(influxPackageLine(point)));
  });

  it('escapes commas and spaces in measurements, which the influx package leaves as they are', () => {
    const line = readingToLine({ siteId: 's', sensorKind: 'a,b c', sensorId: 'x', ts: 1, values: { v: 1 } });
    expect(line).toBe('a\\,b\\ c,sensor=x,site=s v=1 1');
  });

  it('writes the contract tokens without escapes, tags sorted', () => {
    expect(
      readingToLine({ siteId: 's-1', sensorKind: 'air-quality', sensorId: 'a1', ts: 5, values: { pm25: 3 } }),
    ).toBe('air-quality,sensor=a1,site=s-1 pm25=3 5');
  });
});
