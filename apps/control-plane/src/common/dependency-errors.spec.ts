import { createServer } from 'node:net';
import Redis from 'ioredis';
import { NatsError } from 'nats';
import { KubeRequestError } from '@polis/kube';
import { InfluxUnavailableError } from '@polis/telemetry-store';
import { dependencyUnavailable, throwIfDependencyDown, unavailableDependency } from './dependency-errors';
import { PolisError } from './errors';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe(unavailableDependency.name, () => {
  it('names InfluxDB for an outage of the store', () => {
    expect(unavailableDependency(new InfluxUnavailableError('down'))).toEqual({ dependency: 'influxdb' });
  });

  it.each(['TIMEOUT', '503', 'CONNECTION_CLOSED', 'DISCONNECT'])('names NATS for a %s error', (code) => {
    expect(unavailableDependency(NatsError.errorForCode(code))).toEqual({ dependency: 'nats' });
  });

  it('leaves a refused NATS request alone (bad subject, permissions)', () => {
    expect(unavailableDependency(NatsError.errorForCode('BAD_SUBJECT'))).toBeUndefined();
    expect(unavailableDependency(NatsError.errorForCode('PERMISSIONS_VIOLATION'))).toBeUndefined();
  });

  it('names the site for a cluster that did not answer, and not for one that refused', () => {
    const timeout = new KubeRequestError('timeout', 'GET /version timed out', { cluster: 'traffic-a' });
    expect(unavailableDependency(timeout)).toEqual({ dependency: 'site-cluster', site: 'traffic-a' });
    expect(unavailableDependency(new KubeRequestError('forbidden', 'no', { cluster: 'a' }))).toBeUndefined();
  });

  it('names Redis when ioredis gives up on a command', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await closedPort()}`, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    const failure = await redis.ping().catch((error: unknown) => error);
    redis.disconnect();
    expect(unavailableDependency(failure)).toEqual({ dependency: 'redis' });
  });

  it('leaves everything else to be an internal error', () => {
    expect(unavailableDependency(new Error('boom'))).toBeUndefined();
    expect(unavailableDependency('text')).toBeUndefined();
  });
});

describe(dependencyUnavailable.name, () => {
  it('is a typed 503 naming the dependency, for people and machines', () => {
    const error = dependencyUnavailable('influxdb');
    expect(error).toBeInstanceOf(PolisError);
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^InfluxDB is unavailable/);
    expect(error.details).toEqual({ dependency: 'influxdb' });
    expect(dependencyUnavailable('site-cluster', undefined, 'energy-1')).toMatchObject({
      message: expect.stringMatching(/^the cluster of site "energy-1" is unavailable/),
      details: { dependency: 'site-cluster', site: 'energy-1' },
    });
  });
});

describe(throwIfDependencyDown.name, () => {
  it('turns an outage into a 503 and lets anything else through to the caller', () => {
    expect(() => throwIfDependencyDown(NatsError.errorForCode('TIMEOUT'))).toThrow(
      expect.objectContaining({ code: 'unavailable', details: { dependency: 'nats' } }),
    );
    expect(() => throwIfDependencyDown(new Error('wrong last sequence'))).not.toThrow();
  });
});
