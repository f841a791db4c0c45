import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { TelemetryStore } from '@polis/telemetry-store';
import { startInProcess } from '../support/control-plane';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState, waitFor } from '../support/services';
import { loopReadings, publishLoop } from '../support/telemetry';

const json = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as any };
};

describe('telemetry ingest against NATS JetStream and InfluxDB', () => {
  const { prefix, database } = isolation('ingest');
  let nc: NatsConnection;
  let app: INestApplication;
  let url: string;
  let store: TelemetryStore;

  beforeAll(async () => {
    nc = await natsConnection();
    ({ app, url } = await startInProcess({ prefix, influxUrl: `${INFLUX_BASE}/${database}` }));
    store = app.get(TelemetryStore);
  });

  afterAll(async () => {
    await app?.close();
    await store?.dropDatabase().catch(() => undefined);
    await removeNatsState(nc, prefix);
    await nc?.close();
  });

  it('stores exactly N points for N published readings', async () => {
    const readings = loopReadings(3_000, Date.now() - 60_000);
    for (const r of readings) publishLoop(nc, prefix, r);
    await nc.flush();
    const count = await waitFor('3000 points', async () => {
      const n = await store.countPoints('traffic-loop', 'vehicleCount');
      return n >= readings.length ? n : undefined;
    });
    await new Promise((r) => setTimeout(r, 500)); // anything extra would have landed by now
    expect(await store.countPoints('traffic-loop', 'vehicleCount')).toBe(readings.length);
    expect(count).toBe(readings.length);
    const stats = await json(`${url}/api/v1/telemetry/stats`);
    expect(stats.body.written).toBe(readings.length);
  });

  it('dead-letters every kind of bad input with its reason and keeps the valid neighbours', async () => {
    const now = Date.now();
    const subject = `${prefix}.telemetry.bad-site.traffic-loop.s1`;
    const good = (ts: number) => JSON.stringify({ ts, values: { vehicleCount: 1 } });
    const cases: [string, string | Buffer, string][] = [
      [subject, '{"ts":', 'malformed-json'],
      [subject, JSON.stringify({ ts: now, values: { vehicleCount: 'x' } }), 'schema'],
      [`${prefix}.telemetry.bad-site.lidar.s1`, good(now), 'unknown-kind'],
      [`${prefix}.telemetry.Bad_Site.traffic-loop.s1`, good(now), 'bad-subject'],
      [`${prefix}.telemetry.bad-site.traffic-loop`, good(now), 'bad-subject'],
      [subject, `{"ts":${now},"values":{"vehicleCount":1e400}}`, 'non-finite'],
      [subject, JSON.stringify({ ts: now, values: { occupancyPct: 140 } }), 'out-of-range'],
      [subject, good(now + 10 * 60_000), 'future-timestamp'],
      [subject, good(now - 40 * 86_400_000), 'expired-timestamp'],
      [subject, Buffer.alloc(70 * 1024, 120), 'oversized'],
    ];
    const deadLetters: any[] = [];
    const sub = nc.subscribe(`${prefix}.deadletter.telemetry`, {
      callback: (_err, msg) => deadLetters.push(msg.json()),
    });
    for (const [i, [subj, payload]] of cases.entries()) {
      nc.publish(`${prefix}.telemetry.good-site.traffic-loop.s1`, good(now - 1_000 + i));
      nc.publish(subj, payload);
    }
    await nc.flush();

    await waitFor('all dead letters', async () => deadLetters.length >= cases.length || undefined);
    sub.unsubscribe();
    expect(deadLetters.map((d) => [d.subject, d.reason])).toEqual(cases.map(([s, , reason]) => [s, reason]));
    expect(deadLetters.find((d) => d.reason === 'oversized')).toMatchObject({ payloadBytes: 70 * 1024 });

    const neighbours = await waitFor('the valid neighbours', async () => {
      const result = await store.querySeries({
        kind: 'traffic-loop',
        site: 'good-site',
        from: new Date(now - 60_000),
        to: new Date(now + 60_000),
        aggregation: 'mean',
        source: 'raw',
      });
      return result.length === cases.length ? result : undefined;
    });
    expect(neighbours).toHaveLength(cases.length);

    const stats = await json(`${url}/api/v1/telemetry/stats`);
    expect(stats.body.deadLettered).toMatchObject({ 'bad-subject': 2, 'malformed-json': 1, oversized: 1 });
    const listed = await json(`${url}/api/v1/telemetry/dead-letters?limit=3`);
    expect(listed.body.items.map((d: any) => d.reason)).toEqual([
      'oversized',
      'expired-timestamp',
      'future-timestamp',
    ]);
  });

  it('accepts a sensor kind added through the API without a restart', async () => {
    const kind = { name: 'noise-meter', fields: { laeqDb: { unit: 'dB(A)', min: 0, max: 150 } } };
    const created = await json(`${url}/api/v1/sensor-kinds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(kind),
    });
    expect(created.status).toBe(201);
    const ts = Date.now();
    nc.publish(`${prefix}.telemetry.park-1.noise-meter.n1`, JSON.stringify({ ts, values: { laeqDb: 61.5 } }));
    await waitFor(
      'the noise reading',
      async () => (await store.countPoints('noise-meter', 'laeqDb')) === 1 || undefined,
    );

    const duplicate = await json(`${url}/api/v1/sensor-kinds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(kind),
    });
    expect(duplicate.status).toBe(409);
    const stale = await json(`${url}/api/v1/sensor-kinds/noise-meter`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': String(created.body.revision - 1) },
      body: JSON.stringify(kind),
    });
    expect(stale.status).toBe(409);
    const bad = await json(`${url}/api/v1/sensor-kinds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bad Name', fields: {} }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/name/);
  });

  it('serves sites seen, series, health and metrics over HTTP', async () => {
    const sites = await json(`${url}/api/v1/telemetry/sites`);
    expect(sites.body.items.map((s: any) => s.siteId)).toEqual(
      expect.arrayContaining(['site-0', 'good-site']),
    );
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const series = await json(
      `${url}/api/v1/telemetry/series?kind=traffic-loop&site=site-0&field=vehicleCount&window=1m&aggregation=count&from=${from}&to=${to}`,
    );
    expect(series.status).toBe(200);
    const total = series.body.points.reduce((sum: number, p: any) => sum + (p.values.count ?? 0), 0);
    expect(total).toBe(1_000);
    const badQuery = await json(
      `${url}/api/v1/telemetry/series?kind=traffic-loop&site=site-0&from=x&to=${to}`,
    );
    expect(badQuery.status).toBe(400);

    const health = await json(`${url}/health`);
    expect(health.body).toMatchObject({
      status: 'ok',
      checks: { nats: { status: 'up' }, influxdb: { status: 'up' } },
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/polis_telemetry_written_total \d+/);
    expect(metrics).toContain('polis_telemetry_dead_lettered_total{reason="oversized"} 1');
    const docs = await fetch(`${url}/api/docs-json`);
    expect(((await docs.json()) as any).paths).toHaveProperty(['/api/v1/telemetry/series']);
  });

  it('streams stored readings to a browser over SSE, coalesced per sensor', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/v1/telemetry/stream?site=live-site`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const start = Date.now();
    for (let i = 0; i < 200; i++) {
      publishLoop(nc, prefix, { siteId: 'live-site', sensorId: 'l1', ts: start + i, vehicleCount: i % 50 });
    }
    publishLoop(nc, prefix, { siteId: 'other-site', sensorId: 'l1', ts: start, vehicleCount: 1 });
    await nc.flush();
    let text = '';
    const events: any[] = [];
    while (events.reduce((n, e) => n + e.readings.length + e.coalesced, 0) < 200) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
      const blocks = text.split('\n\n');
      text = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)));
      }
    }
    controller.abort();
    const readings = events.flatMap((e) => e.readings);
    expect(readings.every((r: any) => r.siteId === 'live-site')).toBe(true);
    expect(readings.length).toBeLessThan(200); // throttled: far fewer events than readings
    expect(readings.at(-1).ts).toBe(start + 199); // the latest always arrives
  });
});
