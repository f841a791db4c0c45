import { HOUR_MS, MINUTE_MS } from './calendar';
import { streamKey, uniform } from './prng';

/**
 * Sensor outages. Simulated time is cut into windows; in each window every sensor independently has one
 * outage with `probability`, lasting between the min and max duration and lying wholly inside the window.
 * So an outage always ends (the sensor comes back) and whether a sensor is offline at an instant is a pure
 * function of (seed, sensor, time), the same live and in a history.
 */
export interface DropoutModel {
  probability: number;
  windowMs: number;
  minOutageMs: number;
  maxOutageMs: number;
}

export const DEFAULT_DROPOUT_WINDOW: Omit<DropoutModel, 'probability'> = {
  windowMs: HOUR_MS,
  minOutageMs: 2 * MINUTE_MS,
  maxOutageMs: 25 * MINUTE_MS,
};

export interface Outage {
  startMs: number;
  endMs: number;
}

/** The outage of `sensorKey` in the window that contains `tMs`, if that window has one. */
export function outageInWindowOf(
  model: DropoutModel,
  seed: number,
  sensorKey: string,
  tMs: number,
): Outage | undefined {
  if (model.probability <= 0) return undefined;
  const window = Math.floor(tMs / model.windowMs);
  if (uniform(streamKey(seed, `${sensorKey}:outage`), window) >= model.probability) return undefined;
  const span = model.maxOutageMs - model.minOutageMs;
  const durationMs =
    model.minOutageMs + uniform(streamKey(seed, `${sensorKey}:outage-length`), window) * span;
  const slackMs = model.windowMs - durationMs;
  const startMs =
    window * model.windowMs + uniform(streamKey(seed, `${sensorKey}:outage-start`), window) * slackMs;
  return { startMs, endMs: startMs + durationMs };
}

export function isOffline(model: DropoutModel, seed: number, sensorKey: string, tMs: number): boolean {
  const outage = outageInWindowOf(model, seed, sensorKey, tMs);
  return outage !== undefined && tMs >= outage.startMs && tMs < outage.endMs;
}
