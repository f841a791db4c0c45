/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import type { InferenceResult } from '@polis/contracts';
import { buildCityModels, type CityModelArtifact } from '@polis/onnx';
import type { NatsConnection } from 'nats';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { SwitchReply } from '../../apps/edge-runtime/src/control';
import type { EdgeRuntime } from '../../apps/edge-runtime/src/runtime';
import { isolation, NATS_URL, waitFor } from '../support/services';
import { publishModelVersion, removeRegistryBuckets } from './support/registry';
import {
  Collector,
  connectTo,
  prepareServing,
  removeServing,
  startRuntime,
  tempCacheDir,
} from './support/runtime-harness';
import { forecasterRow, publishCount, sensorIndexOf } from './support/traffic';

const SITE = 'site-s';
const forecaster = (seed: number, version: string): CityModelArtifact => ({
  ...buildCityModels(seed).find((m) => m.name === 'traffic-flow-forecaster')!,
  version,
});
const v1 = forecaster(21, '1.0.0');
const v2 = forecaster(22, '1.1.0');

async function directForecasts(model: CityModelArtifact, rows: number[][]): Promise<number[]> {
  const session = await InferenceSession.create(Buffer.from(model.bytes));
  try {
    const out = await session.run({
      features: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 15]),
    });
    return Array.from(out.vehicleCount.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('edge runtime version switch', () => {
  let nc: NatsConnection;
  let prefix: string;
  let runtime: EdgeRuntime | undefined;
  let cache: Awaited<ReturnType<typeof tempCacheDir>>;

  beforeEach(async () => {
    prefix = isolation('switch').prefix;
    nc = await connectTo(NATS_URL);
    cache = await tempCacheDir();
    await publishModelVersion(nc, prefix, v1);
    await publishModelVersion(nc, prefix, v2);
    await prepareServing(nc, prefix);
    runtime = await startRuntime({
      POLIS_SITE_ID: SITE,
      POLIS_MODEL_NAME: v1.name,
      POLIS_MODEL_VERSION: v1.version,
      POLIS_NATS_URL: NATS_URL,
      POLIS_SUBJECT_PREFIX: prefix,
      POLIS_MODEL_CACHE_DIR: cache.dir,
      POLIS_BATCH_MAX_SIZE: '16',
      POLIS_BATCH_MAX_WAIT_MS: '2',
    });
    await runtime.whenReady();
    await waitFor('connected', async () => runtime!.readiness().detail.natsConnected === true);
    await new Promise((r) => setTimeout(r, 200));
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await removeRegistryBuckets(nc, prefix);
    await removeServing(nc, prefix);
    await nc.close();
    await cache.remove();
  });

  const control = () => `${prefix}.control.runtime.${SITE}.${v1.name}`;
  const requestSwitch = async (body: unknown): Promise<SwitchReply> =>
    JSON.parse(
      new TextDecoder().decode((await nc.request(control(), JSON.stringify(body), { timeout: 30_000 })).data),
    );

  it('switches under load without losing or duplicating a window, each result from the version it names', async () => {
    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${v1.name}`);
    const sensors = 25;
    const rounds = 60;
    let reply: Promise<SwitchReply> | undefined;
    for (let k = 0; k < rounds; k++) {
      for (let s = 0; s < sensors; s++) publishCount(nc, prefix, SITE, s, k);
      if (k === 30) reply = requestSwitch({ version: v2.version });
      await new Promise((r) => setTimeout(r, 10));
    }
    const expected = sensors * (rounds - 12);
    await results.waitFor(expected);
    expect(await reply).toMatchObject({ ok: true, version: '1.1.0', previousVersion: '1.0.0', from: 'hub' });
    await new Promise((r) => setTimeout(r, 500)); // room for any duplicate to show up
    const received = results.messages;
    expect(received).toHaveLength(expected);
    expect(new Set(received.map((r) => `${r.sensorId}@${r.ts}`)).size).toBe(expected);

    const versions = new Set(received.map((r) => r.modelVersion));
    expect(versions).toEqual(new Set(['1.0.0', '1.1.0']));
    // Per sensor, in event time: never back to the old version once the new one answered.
    for (let s = 0; s < sensors; s++) {
      const mine = received.filter((r) => r.sensorId === `loop-${s}`).sort((a, b) => a.ts - b.ts);
      const firstNew = mine.findIndex((r) => r.modelVersion === '1.1.0');
      expect(firstNew).toBeGreaterThan(0);
      expect(mine.slice(firstNew).every((r) => r.modelVersion === '1.1.0')).toBe(true);
    }
    for (const model of [v1, v2]) {
      const mine = received.filter((r) => r.modelVersion === model.version);
      const direct = await directForecasts(
        model,
        mine.map((r) => forecasterRow(sensorIndexOf(r.sensorId!), r.ts)),
      );
      mine.forEach((r, i) => expect(Math.abs(r.outputs.vehicleCount[0] - direct[i])).toBeLessThan(1e-3));
    }
    expect(runtime!.modelVersion).toBe('1.1.0');
    results.close();
  });

  it('refuses a version the registry does not have and keeps serving the current one', async () => {
    expect(await requestSwitch({ version: '9.9.9' })).toMatchObject({ ok: false, version: '9.9.9' });
    expect(await requestSwitch({ nope: true })).toMatchObject({ ok: false });
    expect(runtime!.modelVersion).toBe('1.0.0');
    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${v1.name}`);
    for (let k = 0; k < 13; k++) publishCount(nc, prefix, SITE, 0, k);
    const [result] = await results.waitFor(1);
    expect(result.modelVersion).toBe('1.0.0');
    expect(await requestSwitch({ version: '1.0.0' })).toMatchObject({ ok: true, from: 'current' });
    results.close();
  });
});
