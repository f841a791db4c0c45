import { ConfigError, loadConfig, retentionToMs } from './config';

describe(loadConfig.name, () => {
  it('applies loopback defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.influx.url).toBe('http://127.0.0.1:8086/polis');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('names the bad variable and the value it got', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT .*"eighty"/);
    expect(() => loadConfig({ NATS_URL: 'http://x:1' })).toThrow(/NATS_URL must use nats: or tls:/);
    expect(() => loadConfig({ INFLUX_URL: 'http://127.0.0.1:8086' })).toThrow(
      /INFLUX_URL must name the database/,
    );
  });

  it('reports every bad variable at once', () => {
    const error = captureError(() => loadConfig({ PORT: '-1', REDIS_URL: 'nope' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['PORT', 'REDIS_URL']);
  });
});

describe(retentionToMs.name, () => {
  it('converts InfluxDB durations', () => {
    expect(retentionToMs('2h')).toBe(7_200_000);
    expect(retentionToMs('30d')).toBe(30 * 86_400_000);
    expect(retentionToMs('1w')).toBe(7 * 86_400_000);
    expect(retentionToMs('INF')).toBe(Number.POSITIVE_INFINITY);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
