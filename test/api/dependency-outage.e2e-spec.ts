/** With InfluxDB down, the routes that need it answer 503 naming it (never a bare 500), and /health says so. */
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { startInProcess } from '../support/control-plane';
import { callApi } from '../support/http';
import { PrivateInfluxd } from '../support/influxd';
import { conformanceProblems } from '../support/openapi';
import { isolation, natsConnection, removeNatsState, waitFor } from '../support/services';

describe('a control plane whose InfluxDB is down', () => {
  const { prefix } = isolation('influx-down');
  let influxd: PrivateInfluxd;
  let nc: NatsConnection;
  let app: INestApplication;
  let url: string;
  const series = () => {
    const to = new Date();
    const from = new Date(to.getTime() - 3_600_000);
    return `/telemetry/series?kind=traffic-loop&site=a&from=${from.toISOString()}&to=${to.toISOString()}`;
  };

  beforeAll(async () => {
    influxd = await PrivateInfluxd.create();
    await influxd.start();
    nc = await natsConnection();
    ({ app, url } = await startInProcess({ prefix, influxUrl: `${influxd.url}/polis` }));
    // The schema is created in the background at start; until then the store answers 503 as well.
    await waitFor(
      'the schema',
      async () => (await callApi(url, 'GET', series())).status === 200,
      30_000,
      100,
    );
  });

  afterAll(async () => {
    await app?.close();
    await removeNatsState(nc, prefix);
    await nc?.close();
    await influxd?.destroy();
  });

  it('answers series queries while InfluxDB is up and the schema is there', async () => {
    const reply = await callApi(url, 'GET', series());
    expect(reply.status).toBe(200);
    expect(reply.json.points).toEqual([]);
  });

  it('answers 503 naming InfluxDB on the series routes once it stops, in the documented error shape', async () => {
    await influxd.stop();
    for (const source of ['raw', 'rollup']) {
      const reply = await callApi(url, 'GET', `${series()}&source=${source}&window=1m`);
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({
        error: 'unavailable',
        message: expect.stringMatching(/^InfluxDB is unavailable/),
        details: { dependency: 'influxdb' },
      });
      expect(conformanceProblems('GET', '/api/v1/telemetry/series', 503, reply.json)).toEqual([]);
    }
  });

  it('still answers /health: 503, InfluxDB down, NATS and Redis up', async () => {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(response.status).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.checks.influxdb.status).toBe('down');
    expect(body.checks.nats.status).toBe('up');
    expect(body.checks.redis.status).toBe('up');
    expect(conformanceProblems('GET', '/health', 503, body)).toEqual([]);
  });

  it('answers routes that do not need InfluxDB as usual meanwhile', async () => {
    expect((await callApi(url, 'GET', '/sensor-kinds')).status).toBe(200);
    expect((await callApi(url, 'GET', '/telemetry/stats')).status).toBe(200);
  });

  it('answers series queries again once InfluxDB is back', async () => {
    await influxd.start();
    await waitFor(
      'series answered again',
      async () => (await callApi(url, 'GET', series())).status === 200,
      30_000,
      250,
    );
  });
});
