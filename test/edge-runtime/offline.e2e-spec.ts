/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import type { InferenceResult } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import type { NatsConnection } from 'nats';
import type { EdgeRuntime } from '../../apps/edge-runtime/src/runtime';
import { isolation, waitFor } from '../support/services';
import { PrivateNatsServer } from './support/nats-server';
import { publishModelVersion, removeRegistryBuckets } from './support/registry';
import {
  Collector,
  connectTo,
  httpStatus,
  prepareServing,
  startRuntime,
  tempCacheDir,
} from './support/runtime-harness';
import { publishCount } from './support/traffic';

const SITE = 'site-o';
const model = buildCityModels(31).find((m) => m.name === 'traffic-flow-forecaster')!;

/** These tests stop and start NATS, so each runs its own nats-server; the shared one is never touched. */
describe('edge runtime with the hub unreachable', () => {
  let server: PrivateNatsServer;
  let nc: NatsConnection;
  let cache: Awaited<ReturnType<typeof tempCacheDir>>;
  const prefix = isolation('offline').prefix;
  const runtimes: EdgeRuntime[] = [];

  beforeEach(async () => {
    server = await PrivateNatsServer.create();
    await server.start();
    nc = await connectTo(server.url);
    cache = await tempCacheDir();
    await publishModelVersion(nc, prefix, model);
    await prepareServing(nc, prefix);
  });

  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await nc.close();
    await server.destroy();
    await cache.remove();
  });

  const start = async (): Promise<EdgeRuntime> => {
    const runtime = await startRuntime({
      POLIS_SITE_ID: SITE,
      POLIS_MODEL_NAME: model.name,
      POLIS_MODEL_VERSION: model.version,
      POLIS_NATS_URL: server.url,
      POLIS_SUBJECT_PREFIX: prefix,
      POLIS_MODEL_CACHE_DIR: cache.dir,
      POLIS_BATCH_MAX_SIZE: '1',
      POLIS_BATCH_MAX_WAIT_MS: '0',
    });
    runtimes.push(runtime);
    return runtime;
  };
  const natsConnected = (runtime: EdgeRuntime) => runtime.readiness().detail.natsConnected === true;

  it('keeps serving across a NATS restart, its windows spanning the outage', async () => {
    const runtime = await start();
    await runtime.whenReady();
    await waitFor('connected', async () => natsConnected(runtime));
    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
    await new Promise((r) => setTimeout(r, 200));
    for (let k = 0; k < 14; k++) publishCount(nc, prefix, SITE, 0, k);
    await results.waitFor(2);

    await server.stop();
    await waitFor('runtime sees the outage', async () => !natsConnected(runtime));
    expect(await httpStatus(runtime.httpPort, '/readyz')).toBe(200);
    await server.start();
    await waitFor('runtime reconnected', async () => natsConnected(runtime), 30_000);
    await waitFor(
      'test client reconnected',
      async () => !nc.isClosed() && (await nc.flush().then(() => true)),
    );

    for (let k = 14; k < 17; k++) publishCount(nc, prefix, SITE, 0, k);
    const received = await results.waitFor(5);
    // Interval 15's window (readings 3..14) mixes readings from before and after the restart.
    expect(received.map((r) => r.ts).sort((a, b) => a - b)).toEqual(
      [12, 13, 14, 15, 16].map((k) => Date.UTC(2025, 0, 10, 6, 0) + k * 300_000),
    );
    results.close();
  });

  it('starts from its cache and becomes ready while the hub is down, then serves once it is back', async () => {
    const first = await start();
    await first.whenReady(); // downloads into the cache
    await first.stop();
    runtimes.splice(0);
    await removeRegistryBuckets(nc, prefix); // proof that nothing comes from the registry any more
    await server.stop();

    const runtime = await start();
    await runtime.whenReady();
    expect(natsConnected(runtime)).toBe(false);
    expect(await httpStatus(runtime.httpPort, '/readyz')).toBe(200);

    await server.start();
    await waitFor('runtime connected', async () => natsConnected(runtime), 30_000);
    await waitFor(
      'test client reconnected',
      async () => !nc.isClosed() && (await nc.flush().then(() => true)),
    );
    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
    await new Promise((r) => setTimeout(r, 200));
    for (let k = 0; k < 13; k++) publishCount(nc, prefix, SITE, 1, k);
    const [result] = await results.waitFor(1);
    expect(result).toMatchObject({ sensorId: 'loop-1', modelVersion: model.version });
    results.close();
  });

  it('stays unready without a cache while the hub is down, and loads once the hub is back', async () => {
    await server.stop();
    const runtime = await start();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await httpStatus(runtime.httpPort, '/healthz')).toBe(200);
    expect(await httpStatus(runtime.httpPort, '/readyz')).toBe(503);
    await server.start();
    await runtime.whenReady();
    expect(await httpStatus(runtime.httpPort, '/readyz')).toBe(200);
  });
});
