/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import type { InferenceResult } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import type { NatsConnection } from 'nats';
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
import { publishCount } from './support/traffic';

const SITE = 'site-x';
const model = buildCityModels(23).find((m) => m.name === 'traffic-flow-forecaster')!;
const SENSORS = 3;
const READINGS = 20; // 12 fill the window, then every reading completes one: 8 windows per sensor

/** The same telemetry through each execution choice must give the same results. */
describe('edge runtime execution: inline on the event loop or in worker threads', () => {
  let nc: NatsConnection;
  let runtime: EdgeRuntime | undefined;
  let cache: Awaited<ReturnType<typeof tempCacheDir>>;
  const prefixes: string[] = [];

  beforeAll(async () => {
    nc = await connectTo(NATS_URL);
    cache = await tempCacheDir();
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      await removeRegistryBuckets(nc, prefix);
      await removeServing(nc, prefix);
    }
    await nc.close();
    await cache.remove();
  });

  async function serve(
    extra: Record<string, string>,
  ): Promise<{ results: InferenceResult[]; execution: unknown }> {
    const prefix = isolation('exec').prefix;
    prefixes.push(prefix);
    await publishModelVersion(nc, prefix, model);
    await prepareServing(nc, prefix);
    runtime = await startRuntime({
      POLIS_SITE_ID: SITE,
      POLIS_MODEL_NAME: model.name,
      POLIS_MODEL_VERSION: model.version,
      POLIS_NATS_URL: NATS_URL,
      POLIS_SUBJECT_PREFIX: prefix,
      POLIS_MODEL_CACHE_DIR: cache.dir,
      POLIS_BATCH_MAX_SIZE: '4',
      POLIS_BATCH_MAX_WAIT_MS: '1',
      ...extra,
    });
    await runtime.whenReady();
    await waitFor('connected', async () => runtime!.readiness().detail.natsConnected === true);
    const collector = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
    await new Promise((r) => setTimeout(r, 200));
    for (let k = 0; k < READINGS; k++) for (let s = 0; s < SENSORS; s++) publishCount(nc, prefix, SITE, s, k);
    const expected = SENSORS * (READINGS - 12);
    const results = await collector.waitFor(expected);
    await new Promise((r) => setTimeout(r, 100));
    collector.close();
    expect(results).toHaveLength(expected);
    results.sort((a, b) => (a.sensorId ?? '').localeCompare(b.sensorId ?? '') || a.ts - b.ts);
    return { results, execution: runtime.execution };
  }

  const outputsOf = (results: InferenceResult[]) =>
    results.map((r) => ({ sensorId: r.sensorId, ts: r.ts, outputs: r.outputs }));

  it('runs a model this cheap inline by default, with the results the worker threads give', async () => {
    const inline = await serve({});
    expect(inline.execution).toMatchObject({ execution: 'inline', fullBatchRows: 4 });
    // A full batch of this model costs about 20 µs; the limit is measured, so only bound it.
    expect((inline.execution as { inlineRows: number }).inlineRows).toBeGreaterThanOrEqual(1);
    expect(inline.execution).toHaveProperty('inlineBatch1Us', expect.any(Number));

    const workers = await serve({ POLIS_INLINE_BUDGET_US: '0' });
    expect(workers.execution).toMatchObject({ execution: 'worker', inlineRows: 0 });
    expect(workers.execution).not.toHaveProperty('inlineBatch1Us');

    expect(outputsOf(inline.results)).toEqual(outputsOf(workers.results));
  });

  it('keeps a model whose measured cost exceeds the budget in worker threads', async () => {
    // 1 µs: no onnxruntime session runs that fast, so the model counts as heavy.
    const heavy = await serve({ POLIS_INLINE_BUDGET_US: '1' });
    expect(heavy.execution).toMatchObject({ execution: 'worker', inlineRows: 0 });
    expect((heavy.execution as { workerBatch1Us: number }).workerBatch1Us).toBeGreaterThan(1);
    // A one-row batch over the budget: the full batch is not even measured.
    expect(heavy.execution).toMatchObject({ workerFullBatchUs: null });
  });
});
