import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';

/** The real services every integration test talks to (started by scripts/services.sh). */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const INFLUX_BASE = process.env.INFLUX_BASE ?? 'http://127.0.0.1:8086';

/** A subject prefix and database name of its own per test, so tests run in parallel without meeting. */
export function isolation(label: string): { prefix: string; database: string } {
  const id = `${label}-${randomBytes(4).toString('hex')}`;
  return { prefix: `t-${id}`, database: `polis_${id.replace(/-/g, '_')}` };
}

export async function natsConnection(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, name: 'polis-test' });
}

/** Removes the streams and KV buckets a control plane created under a test prefix. */
export async function removeNatsState(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const upper = prefix.toUpperCase().replace(/-/g, '_');
  const names = [
    `${upper}_TELEMETRY`,
    `${upper}_DEADLETTER`,
    `${upper}_SERVING`,
    `KV_${prefix}_sensor_kinds`,
    `KV_${prefix}_sensors`,
    `KV_${prefix}_ingest_leases`,
  ];
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
}

/** Polls until the probe returns a value (not undefined or false); a throw counts as "not yet". */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}
