/** With NATS down, routes that need it answer 503 naming NATS (never a bare 500 or a false 409). */
import type { INestApplication } from '@nestjs/common';
import { startInProcess } from '../support/control-plane';
import { callApi } from '../support/http';
import { privateHub, removeServerDir, type PrivateHub } from '../support/nats-servers';
import { conformanceProblems } from '../support/openapi';
import { INFLUX_BASE, isolation, waitFor } from '../support/services';

describe('a control plane whose NATS is down', () => {
  const { prefix, database } = isolation('nats-down');
  let hub: PrivateHub;
  let app: INestApplication;
  let url: string;
  const kind = {
    name: 'noise-meter',
    fields: { dbA: { unit: 'dB(A)', min: 0 } },
  };

  beforeAll(async () => {
    hub = await privateHub();
    await hub.server.start();
    ({ app, url } = await startInProcess({
      prefix,
      influxUrl: `${INFLUX_BASE}/${database}`,
      extra: { NATS_URL: hub.server.url },
    }));
  });

  afterAll(async () => {
    await hub?.server.start().catch(() => undefined); // back up, so the control plane drains and stops
    await app?.close();
    await hub?.server.stop();
    if (hub) await removeServerDir(hub.server);
  });

  it('answers 503 naming NATS on a KV write and a stream read, in the documented shape', async () => {
    await hub.server.stop();
    const created = await callApi(url, 'POST', '/sensor-kinds', kind);
    expect({ status: created.status, body: created.json }).toMatchObject({
      status: 503,
      body: {
        error: 'unavailable',
        message: expect.stringMatching(/^NATS is unavailable/),
        details: { dependency: 'nats' },
      },
    });
    expect(conformanceProblems('POST', '/api/v1/sensor-kinds', 503, created.json)).toEqual([]);
    const deadLetters = await callApi(url, 'GET', '/telemetry/dead-letters');
    expect({ status: deadLetters.status, dependency: deadLetters.json.details?.dependency }).toEqual({
      status: 503,
      dependency: 'nats',
    });
  });

  it('still answers /health (503, NATS down) and reads served from the cache', async () => {
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
    const body = (await health.json()) as { checks: Record<string, { status: string }> };
    expect(health.status).toBe(503);
    expect(body.checks.nats.status).toBe('down');
    expect((await callApi(url, 'GET', '/sensor-kinds/traffic-loop')).status).toBe(200);
  });

  it('writes again once NATS is back', async () => {
    await hub.server.start();
    await waitFor(
      'the sensor kind stored',
      async () => (await callApi(url, 'POST', '/sensor-kinds', kind)).status === 201,
      30_000,
      500,
    );
  });
});
