import type { NatsConnection } from 'nats';

export interface LoopReading {
  siteId: string;
  sensorId: string;
  ts: number;
  vehicleCount: number;
}

/** Distinct timestamps per sensor, so N readings are N InfluxDB points. */
export function loopReadings(count: number, start: number, sites = 3, sensorsPerSite = 4): LoopReading[] {
  return Array.from({ length: count }, (_, i) => ({
    siteId: `site-${i % sites}`,
    sensorId: `loop-${Math.floor(i / sites) % sensorsPerSite}`,
    ts: start + i,
    vehicleCount: i % 50,
  }));
}

export function publishLoop(nc: NatsConnection, prefix: string, r: LoopReading): void {
  nc.publish(
    `${prefix}.telemetry.${r.siteId}.traffic-loop.${r.sensorId}`,
    JSON.stringify({ ts: r.ts, values: { vehicleCount: r.vehicleCount, occupancyPct: 12.5 } }),
  );
}
