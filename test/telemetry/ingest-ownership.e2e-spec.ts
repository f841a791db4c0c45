import type { NatsConnection } from 'nats';
import { TelemetryStore } from '@polis/telemetry-store';
import { ControlPlaneProcess } from '../support/control-plane';
import { callApi } from '../support/http';
import { freePort } from '../support/influxd';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState, waitFor } from '../support/services';
import { type LoopReading, loopReadings, publishLoop } from '../support/telemetry';

interface Stats {
  written: number;
  consumer: { consumer: string | null; owner: string | null; ownedHere: boolean; ackPending: number };
}

/**
 * Several control planes on one stream: one ingests (cumulative acks through its own consumer), the others
 * stand by. Crashes and pauses of the one that ingests, with messages in flight, lose nothing.
 */
describe('ingest ownership across control-plane instances', () => {
  const { prefix, database } = isolation('ownership');
  const influxUrl = `${INFLUX_BASE}/${database}`;
  const stream = `${prefix.toUpperCase().replace(/-/g, '_')}_TELEMETRY`;
  const store = new TelemetryStore({ url: influxUrl, rawRetention: '30d', rollupRetention: '365d' });
  const processes: ControlPlaneProcess[] = [];
  let nc: NatsConnection;

  const stats = async (cp: ControlPlaneProcess) =>
    (await callApi(cp.url, 'GET', '/telemetry/stats')).json as Stats;
  const stored = () => store.countPoints('traffic-loop', 'vehicleCount');
  const started = async () => {
    // Batches written once a second: the owner always holds messages it has not acknowledged yet.
    const extra = { INGEST_FLUSH_MS: '1000', INGEST_BATCH_SIZE: '50000' };
    const cp = new ControlPlaneProcess({ prefix, influxUrl, extra }, await freePort());
    processes.push(cp);
    await cp.start();
    return cp;
  };
  /** Publishes as a steady stream (not one burst), so the instance that ingests always holds some in flight. */
  const publishing = (readings: LoopReading[], progress: { published: number }) =>
    (async () => {
      for (const r of readings) {
        publishLoop(nc, prefix, r);
        if (++progress.published % 100 === 0) await new Promise((res) => setTimeout(res, 3));
      }
      await nc.flush();
    })();
  const everyPoint = (expected: number) =>
    waitFor('every point', async () => ((await stored()) >= expected ? true : undefined), 60_000, 100);

  beforeAll(async () => {
    nc = await natsConnection();
  });

  afterAll(async () => {
    for (const cp of processes) await cp.kill('SIGKILL');
    await store.dropDatabase().catch(() => undefined);
    await removeNatsState(nc, prefix);
    await nc?.close();
  });

  it('lets one instance ingest; when it is killed with messages in flight the stand-by takes over', async () => {
    const first = await started();
    await waitFor('the first instance to own ingest', async () => (await stats(first)).consumer.ownedHere);
    const second = await started();
    const readings = loopReadings(8_000, Date.now() - 120_000);
    const progress = { published: 0 };
    const done = publishing(readings, progress);

    await waitFor('half the stream', () => progress.published >= readings.length / 2, 30_000, 5);
    const before = await stats(first);
    expect(before.consumer.ownedHere).toBe(true);
    expect((await stats(second)).consumer.ownedHere).toBe(false);
    expect((await stats(second)).written).toBe(0); // a stand-by reads nothing
    const jsm = await nc.jetstreamManager();
    // Freeze the owner and look at its consumer: only crash it while it holds messages it has not acked.
    const inFlight = await waitFor(
      'the owner frozen with messages in flight',
      async () => {
        first.signal('SIGSTOP');
        const n = (await jsm.consumers.info(stream, before.consumer.consumer!)).num_ack_pending;
        if (n > 0) return n;
        first.signal('SIGCONT');
        return undefined;
      },
      30_000,
      20,
    );
    await first.kill('SIGKILL');
    // Delivered to the dead instance and never acknowledged: these must come back through the new owner.
    expect(inFlight).toBeGreaterThan(0);
    expect(await stored()).toBeLessThan(readings.length);
    await done;

    await waitFor('the stand-by to take over', async () => (await stats(second)).consumer.ownedHere, 20_000);
    await everyPoint(readings.length);
    await new Promise((r) => setTimeout(r, 1_000)); // anything extra would have landed by now
    expect(await stored()).toBe(readings.length);
    const after = await stats(second);
    expect(after.consumer.consumer).not.toBe(before.consumer.consumer);
    expect(after.written).toBeGreaterThan(0);
  });

  it('fences off an owner that was paused past its lease: it stands by when it wakes, nothing is lost', async () => {
    const owner = processes[1];
    const standBy = await started();
    const readings = loopReadings(8_000, Date.now() - 60_000, 4, 4).map((r) => ({ ...r, siteId: 'paused' }));
    const total = 8_000 + readings.length;
    const progress = { published: 0 };
    const done = publishing(readings, progress);

    await waitFor('a third of the stream', () => progress.published >= readings.length / 3, 30_000, 5);
    const paused = (await stats(owner)).consumer.consumer;
    owner.signal('SIGSTOP'); // alive, holding its batches, but silent: its lease runs out
    await waitFor('the stand-by to take over', async () => (await stats(standBy)).consumer.ownedHere, 20_000);
    owner.signal('SIGCONT');
    await done;

    await waitFor(
      'the woken owner to stand by',
      async () => !(await stats(owner)).consumer.ownedHere,
      10_000,
    );
    await everyPoint(total);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stored()).toBe(total);
    const jsm = await nc.jetstreamManager();
    const names: string[] = [];
    for await (const c of jsm.consumers.list(stream)) names.push(c.name);
    expect(names).not.toContain(paused); // its acks, if any still come, land nowhere
    expect(names).toEqual([(await stats(standBy)).consumer.consumer]);
  });
});
