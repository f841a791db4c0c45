import { KubeRequestError } from '@polis/kube';
import { InfluxUnavailableError } from '@polis/telemetry-store';
import { NatsError } from 'nats';
import { PolisError } from './errors';

/** The services a route can depend on; a 503 names the one that is down in `details.dependency`. */
export const DEPENDENCIES = ['influxdb', 'nats', 'redis', 'site-cluster'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

const LABELS: Record<Dependency, string> = {
  influxdb: 'InfluxDB',
  nats: 'NATS',
  redis: 'Redis',
  'site-cluster': "the site's cluster",
};

/** NATS error codes that mean the server (or JetStream) did not answer, as opposed to a refused request. */
const NATS_OUTAGE_CODES = new Set([
  'TIMEOUT',
  '503', // no responders: JetStream is not reachable
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
]);

const KUBE_OUTAGES = new Set(['timeout', 'unreachable', 'server-error', 'throttled']);

/** Which dependency a library error says is down, if it says so; anything else stays an internal error. */
export function unavailableDependency(error: unknown): { dependency: Dependency; site?: string } | undefined {
  if (error instanceof InfluxUnavailableError) return { dependency: 'influxdb' };
  if (error instanceof KubeRequestError && KUBE_OUTAGES.has(error.failure))
    return { dependency: 'site-cluster', site: error.details.cluster };
  if (error instanceof NatsError && NATS_OUTAGE_CODES.has(error.code)) return { dependency: 'nats' };
  // ioredis gives up on a command with these once its connection is gone.
  if (
    error instanceof Error &&
    (error.name === 'MaxRetriesPerRequestError' || /Connection is closed/.test(error.message))
  )
    return { dependency: 'redis' };
  return undefined;
}

/** A typed 503 that names the dependency: `{ error: 'unavailable', details: { dependency } }`. */
export function dependencyUnavailable(dependency: Dependency, cause?: unknown, site?: string): PolisError {
  const what = dependency === 'site-cluster' && site ? `the cluster of site "${site}"` : LABELS[dependency];
  return new PolisError(
    'unavailable',
    `${what} is unavailable; try again later`,
    site === undefined ? { dependency } : { dependency, site },
    { cause },
  );
}

/** For catch blocks that turn a failed write into a conflict: an outage must not pass for a conflict. */
export function throwIfDependencyDown(error: unknown): void {
  const down = unavailableDependency(error);
  if (down) throw dependencyUnavailable(down.dependency, error, down.site);
}
