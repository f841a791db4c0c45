import { hourOfDay, isWeekend } from '@polis/onnx';
import type { NatsConnection } from 'nats';

export const FIVE_MIN = 300_000;
/** A Friday morning: a window of an hour crosses no weekend boundary. */
export const T0 = Date.UTC(2025, 0, 10, 6, 0);

/** Deterministic vehicle count of a sensor's k-th interval. */
export function countOf(sensorIndex: number, k: number): number {
  return 20 + ((k * 7 + sensorIndex * 13) % 40);
}

export function publishCount(
  nc: NatsConnection,
  prefix: string,
  site: string,
  sensorIndex: number,
  k: number,
): void {
  nc.publish(
    `${prefix}.telemetry.${site}.traffic-loop.loop-${sensorIndex}`,
    JSON.stringify({
      ts: T0 + k * FIVE_MIN,
      values: { vehicleCount: countOf(sensorIndex, k), occupancyPct: 10 },
    }),
  );
}

/** The forecaster's feature row for interval t, exactly as libs/onnx built training rows. */
export function forecasterRow(sensorIndex: number, ts: number): number[] {
  const k = (ts - T0) / FIVE_MIN;
  const counts = Array.from({ length: 12 }, (_, i) => countOf(sensorIndex, k - 12 + i));
  const angle = (2 * Math.PI * hourOfDay(ts)) / 24;
  return [...counts, Math.sin(angle), Math.cos(angle), isWeekend(ts) ? 1 : 0];
}

export const sensorIndexOf = (sensorId: string): number => Number(sensorId.replace('loop-', ''));
