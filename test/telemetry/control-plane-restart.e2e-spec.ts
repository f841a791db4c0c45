import type { NatsConnection } from 'nats';
import { TelemetryStore } from '@polis/telemetry-store';
import { ControlPlaneProcess } from '../support/control-plane';
import { callApi } from '../support/http';
import { freePort } from '../support/influxd';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState, waitFor } from '../support/services';
import { loopReadings, publishLoop } from '../support/telemetry';

describe('ingest across a control-plane crash', () => {
  const { prefix, database } = isolation('restart');
  const influxUrl = `${INFLUX_BASE}/${database}`;
  const store = new TelemetryStore({ url: influxUrl, rawRetention: '30d', rollupRetention: '365d' });
  let nc: NatsConnection;
  let controlPlane: ControlPlaneProcess;
  let holding: ControlPlaneProcess | undefined;

  beforeAll(async () => {
    nc = await natsConnection();
    controlPlane = new ControlPlaneProcess({ prefix, influxUrl }, await freePort());
  });

  afterAll(async () => {
    await controlPlane?.kill('SIGKILL');
    await holding?.kill('SIGKILL');
    await store.dropDatabase().catch(() => undefined);
    await removeNatsState(nc, prefix);
    await nc?.close();
  });

  it('loses nothing when the control plane is killed mid-stream and started again', async () => {
    await controlPlane.start();
    const readings = loopReadings(8_000, Date.now() - 120_000);
    let published = 0;
    const publishing = (async () => {
      for (const r of readings) {
        publishLoop(nc, prefix, r);
        if (++published % 100 === 0) await new Promise((res) => setTimeout(res, 2));
      }
      await nc.flush();
    })();

    await waitFor('the stream to be half published', async () => published >= readings.length / 2, 30_000, 5);
    await controlPlane.kill('SIGKILL'); // no graceful shutdown: whatever was in flight is unacknowledged
    await publishing;
    const beforeRestart = await store.countPoints('traffic-loop', 'vehicleCount');
    expect(beforeRestart).toBeLessThan(readings.length);

    await controlPlane.start();
    const stored = await waitFor(
      'every point after the restart',
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

  it('writes and acknowledges the batch it holds when stopped with SIGTERM', async () => {
    // A flush interval far beyond the test: only the graceful shutdown can write this batch.
    await controlPlane.kill('SIGTERM'); // one consumer at a time, so this instance gets every message
    const proc = new ControlPlaneProcess(
      { prefix, influxUrl, extra: { INGEST_FLUSH_MS: '10000', INGEST_BATCH_SIZE: '50000' } },
      await freePort(),
    );
    holding = proc;
    await proc.start();
    const readings = loopReadings(500, Date.now() - 60_000, 1, 1).map((r) => ({ ...r, siteId: 'graceful' }));
    for (const r of readings) publishLoop(nc, prefix, r);
    await nc.flush();
    const consumerOf = async () => (await callApi(proc.url, 'GET', '/telemetry/stats')).json.consumer;
    // Delivered to the control plane and not acknowledged: it holds them in its batch.
    const held = await waitFor(
      'the batch to be held',
      async () => {
        const consumer = await consumerOf();
        return consumer.ackPending >= readings.length && consumer.ownedHere ? consumer : undefined;
      },
      30_000,
    );
    const countGraceful = async () =>
      (
        await store.querySeries({
          kind: 'traffic-loop',
          site: 'graceful',
          from: new Date(readings[0].ts),
          to: new Date(readings.at(-1)!.ts + 1),
          aggregation: 'mean',
          source: 'raw',
        })
      ).length;
    expect(await countGraceful()).toBe(0);

    const exitCode = await proc.kill('SIGTERM');
    expect(exitCode).toBe(0);
    expect(await countGraceful()).toBe(readings.length);
    const jsm = await nc.jetstreamManager();
    const stream = `${prefix.toUpperCase().replace(/-/g, '_')}_TELEMETRY`;
    const consumer = await jsm.consumers.info(stream, held.consumer);
    expect(consumer.num_ack_pending).toBe(0);
    expect(consumer.ack_floor.stream_seq).toBe(consumer.delivered.stream_seq);
  });
});
