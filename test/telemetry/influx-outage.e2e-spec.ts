import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { TelemetryStore } from '@polis/telemetry-store';
import { startInProcess } from '../support/control-plane';
import { PrivateInfluxd } from '../support/influxd';
import { isolation, natsConnection, removeNatsState, waitFor } from '../support/services';
import { loopReadings, publishLoop } from '../support/telemetry';

describe('ingest through an InfluxDB outage', () => {
  const { prefix } = isolation('influx-outage');
  let influxd: PrivateInfluxd;
  let nc: NatsConnection;
  let app: INestApplication;
  let store: TelemetryStore;

  beforeAll(async () => {
    influxd = await PrivateInfluxd.create();
    await influxd.start();
    nc = await natsConnection();
    ({ app } = await startInProcess({ prefix, influxUrl: `${influxd.url}/polis` }));
    store = app.get(TelemetryStore);
  });

  afterAll(async () => {
    await app?.close();
    await removeNatsState(nc, prefix);
    await nc?.close();
    await influxd?.destroy();
  });

  it('lands every point exactly once when InfluxDB stops mid-stream and comes back', async () => {
    const readings = loopReadings(6_000, Date.now() - 120_000);
    const third = readings.length / 3;
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        publishLoop(nc, prefix, readings[i]);
        if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5)); // a stream, not one burst
      }
      await nc.flush();
    };

    await publish(0, third);
    await waitFor(
      'some points before the outage',
      async () => (await store.countPoints('traffic-loop', 'vehicleCount')) > 0,
    );
    await influxd.stop();
    await publish(third, 2 * third); // published while InfluxDB is down
    await new Promise((r) => setTimeout(r, 1_500)); // long enough for write retries to fail and back off
    await influxd.start();
    await publish(2 * third, readings.length);

    const stored = await waitFor(
      'every point after recovery',
      async () => {
        const n = await store.countPoints('traffic-loop', 'vehicleCount');
        return n >= readings.length ? n : undefined;
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(stored).toBe(readings.length);
    expect(await store.countPoints('traffic-loop', 'vehicleCount')).toBe(readings.length);
  });
});
