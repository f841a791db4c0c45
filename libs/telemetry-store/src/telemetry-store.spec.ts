import { createServer } from 'node:net';
import { InfluxUnavailableError, TelemetryStore } from './telemetry-store';

/** A loopback port where nothing listens: what a stopped InfluxDB looks like from here. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe(TelemetryStore.name, () => {
  it('says InfluxDB is unavailable, with a typed error, when nothing answers', async () => {
    const store = new TelemetryStore({
      url: `http://127.0.0.1:${await closedPort()}/polis`,
      rawRetention: '1d',
      rollupRetention: '7d',
      requestTimeoutMs: 1_000,
    });
    const query = {
      kind: 'traffic-loop',
      site: 'a',
      from: new Date(0),
      to: new Date(1),
      aggregation: 'mean' as const,
      source: 'raw' as const,
    };
    await expect(store.querySeries(query)).rejects.toBeInstanceOf(InfluxUnavailableError);
    // The pool has marked the host offline by now: the second call fails fast, the same way.
    await expect(store.querySeries(query)).rejects.toThrow(/InfluxDB is unavailable/);
    await expect(store.write([])).resolves.toBeUndefined();
    const reading = { siteId: 'a', sensorKind: 'traffic-loop', sensorId: 'n', ts: 1, values: { v: 1 } };
    await expect(store.write([reading])).rejects.toBeInstanceOf(InfluxUnavailableError);
  });
});
