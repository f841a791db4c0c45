/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import type { InferenceResult } from '@polis/contracts';
import type { Decision } from '@polis/inference';
import { buildCityModels, hourOfDay, isWeekend, type CityModelArtifact } from '@polis/onnx';
import { TelemetryStore } from '@polis/telemetry-store';
import type { NatsConnection } from 'nats';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Heartbeat } from '../../apps/edge-runtime/src/io/runtime-stats';
import type { EdgeRuntime } from '../../apps/edge-runtime/src/runtime';
import { INFLUX_BASE, isolation, NATS_URL, waitFor } from '../support/services';
import { publishModelVersion, removeRegistryBuckets } from './support/registry';
import {
  Collector,
  connectTo,
  httpStatus,
  prepareServing,
  removeServing,
  startRuntime,
  tempCacheDir,
} from './support/runtime-harness';

const SITE = 'site-a';
const FIVE_MIN = 300_000;
const QUARTER = 900_000;
const T0 = Date.UTC(2025, 0, 10, 6, 0); // a Friday morning: windows cross no weekend boundary
const models = new Map<string, CityModelArtifact>(buildCityModels(11).map((m) => [m.name, m]));

/** The clock columns exactly as libs/onnx computed them for training. */
function clock(ts: number): number[] {
  const angle = (2 * Math.PI * hourOfDay(ts)) / 24;
  return [Math.sin(angle), Math.cos(angle), isWeekend(ts) ? 1 : 0, Math.sin(2 * angle), Math.cos(2 * angle)];
}

async function runDirect(
  model: CityModelArtifact,
  feeds: Record<string, number[][]>,
): Promise<Record<string, number[][]>> {
  const session = await InferenceSession.create(Buffer.from(model.bytes));
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, rows]) => [
        name,
        new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]),
      ]),
    );
    const out = await session.run(tensors);
    return Object.fromEntries(
      Object.entries(out).map(([name, t]) => {
        const width = t.dims[1];
        const values = Array.from(t.data as ArrayLike<number | bigint>, Number);
        return [name, Array.from({ length: t.dims[0] }, (_, r) => values.slice(r * width, (r + 1) * width))];
      }),
    );
  } finally {
    await session.release();
  }
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) =>
    expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected[i]))),
  );
}

describe('edge runtime against real NATS', () => {
  let nc: NatsConnection;
  let prefix: string;
  let runtime: EdgeRuntime | undefined;
  let cache: Awaited<ReturnType<typeof tempCacheDir>>;

  beforeEach(async () => {
    prefix = isolation('edge').prefix;
    nc = await connectTo(NATS_URL);
    cache = await tempCacheDir();
    await prepareServing(nc, prefix);
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await removeRegistryBuckets(nc, prefix);
    await removeServing(nc, prefix);
    await nc.close();
    await cache.remove();
  });

  function env(model: CityModelArtifact, extra: Record<string, string> = {}): Record<string, string> {
    return {
      POLIS_SITE_ID: SITE,
      POLIS_MODEL_NAME: model.name,
      POLIS_MODEL_VERSION: model.version,
      POLIS_NATS_URL: NATS_URL,
      POLIS_SUBJECT_PREFIX: prefix,
      POLIS_MODEL_CACHE_DIR: cache.dir,
      POLIS_BATCH_MAX_SIZE: '8',
      POLIS_BATCH_MAX_WAIT_MS: '2',
      ...extra,
    };
  }

  it('forecasts like a direct onnxruntime session on the same windows, and reports health and heartbeats', async () => {
    const model = models.get('traffic-flow-forecaster')!;
    const record = await publishModelVersion(nc, prefix, model);
    runtime = await startRuntime(
      env(model, { POLIS_POD_NAME: 'runner-0', POLIS_MODEL_ARTIFACT_SHA256: record.sha256 }),
    );
    await runtime.whenReady();
    expect(await httpStatus(runtime.httpPort, '/healthz')).toBe(200);
    await waitFor('readyz', async () => (await httpStatus(runtime!.httpPort, '/readyz')) === 200);

    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
    const heartbeats = new Collector<Heartbeat>(nc, `${prefix}.heartbeat.${SITE}.runner-0`);
    // The runtime subscribes once connected; a probe reading tells us it is listening.
    await waitFor('runtime subscribed', async () => runtime!.readiness().detail.natsConnected === true);
    await new Promise((r) => setTimeout(r, 200));

    const sensors = ['loop-1', 'loop-2', 'loop-3'];
    const readings = 20;
    const counts = new Map(
      sensors.map((s, i) => [s, Array.from({ length: readings }, (_, k) => 20 + ((k * 7 + i * 13) % 40))]),
    );
    for (let k = 0; k < readings; k++) {
      for (const sensor of sensors) {
        nc.publish(
          `${prefix}.telemetry.${SITE}.traffic-loop.${sensor}`,
          JSON.stringify({
            ts: T0 + k * FIVE_MIN,
            values: { vehicleCount: counts.get(sensor)![k], meanSpeedKmh: 40, occupancyPct: 10 },
          }),
        );
      }
    }
    // Reading k closes interval k-1: windows complete from k = 12 on.
    const expectedCount = sensors.length * (readings - 12);
    const received = await results.waitFor(expectedCount);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(expectedCount);

    const rows = received.map((r) => {
      const k = (r.ts - T0) / FIVE_MIN;
      return [...counts.get(r.sensorId!)!.slice(k - 12, k), ...clock(r.ts).slice(0, 3)];
    });
    const direct = await runDirect(model, { features: rows });
    received.forEach((r, i) => {
      expect(r).toMatchObject({ siteId: SITE, modelVersion: '1.0.0' });
      expect(r.latencyMs).toBeGreaterThan(0);
      expectClose(r.outputs.vehicleCount, direct.vehicleCount[i]);
    });
    const keys = new Set(received.map((r) => `${r.sensorId}@${r.ts}`));
    expect(keys.size).toBe(expectedCount);

    const [beat] = await waitFor('a heartbeat with inferences', async () => {
      const withWork = heartbeats.messages.filter((h) => h.totals.inferences === expectedCount);
      return withWork.length > 0 ? withWork : undefined;
    });
    expect(beat).toMatchObject({
      instance: 'runner-0',
      siteId: SITE,
      model: { name: model.name, version: '1.0.0', sha256: record.sha256 },
      ready: true,
      nats: { connected: true },
      sensors: 3,
    });
    expect(beat.eventLoopLagMs.p99).toBeGreaterThanOrEqual(0);
    expect(beat.memory.rssBytes).toBeGreaterThan(0);
    results.close();
    heartbeats.close();
  });

  it('classifies congestion like a direct session and publishes the signal-phase decisions it implies', async () => {
    const model = models.get('congestion-classifier')!;
    await publishModelVersion(nc, prefix, model);
    runtime = await startRuntime(env(model));
    await runtime.whenReady();
    await waitFor('connected', async () => runtime!.readiness().detail.natsConnected === true);
    const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
    const decisions = new Collector<Decision>(nc, `${prefix}.decision.${SITE}.${model.name}`);
    await new Promise((r) => setTimeout(r, 200));

    // From free-flowing to jammed and back, so all three classes are likely.
    const readings = Array.from({ length: 30 }, (_, k) => {
      const jam = Math.sin((k / 29) * Math.PI);
      return {
        vehicleCount: Math.round(60 - 40 * jam),
        meanSpeedKmh: 55 - 48 * jam,
        occupancyPct: 8 + 80 * jam,
      };
    });
    readings.forEach((values, k) =>
      nc.publish(
        `${prefix}.telemetry.${SITE}.traffic-loop.loop-9`,
        JSON.stringify({ ts: T0 + k * FIVE_MIN, values }),
      ),
    );
    const received = await results.waitFor(readings.length - 3);
    const rows = received.map((r) => {
      const k = (r.ts - T0) / FIVE_MIN;
      return readings.slice(k - 2, k + 1).flatMap((v) => [v.vehicleCount, v.meanSpeedKmh, v.occupancyPct]);
    });
    const direct = await runDirect(model, { features: rows });
    const levels = ['free', 'slow', 'congested'];
    const expectedDecisions = received.flatMap((r, i) => {
      expectClose(r.outputs.probabilities, direct.probabilities[i]);
      expect(r.outputs.congestionLevel).toEqual(direct.congestionLevel[i]);
      const level = levels[r.outputs.congestionLevel[0]];
      const seconds = { free: 0, slow: 10, congested: 20 }[level]!;
      return seconds > 0 ? [{ ts: r.ts, level, seconds }] : [];
    });
    await decisions.waitFor(expectedDecisions.length);
    await new Promise((r) => setTimeout(r, 200));
    expect(
      decisions.messages.map((d) => ({
        ts: d.ts,
        level: (d.action as { level: string }).level,
        seconds: (d.action as { extensionSeconds: number }).extensionSeconds,
      })),
    ).toEqual(expect.arrayContaining(expectedDecisions));
    expect(decisions.messages).toHaveLength(expectedDecisions.length);
    results.close();
    decisions.close();
  });

  it('detects anomalies with context from a default, alerts on them, and stores results in InfluxDB', async () => {
    const model = models.get('energy-anomaly-detector')!;
    // Recent timestamps: InfluxDB drops points older than the retention policy.
    const start = Math.floor(Date.now() / QUARTER) * QUARTER - 10 * QUARTER;
    const { database } = isolation('edge');
    const store = new TelemetryStore({
      url: `${INFLUX_BASE}/${database}`,
      rawRetention: '1d',
      rollupRetention: '7d',
    });
    await store.ensureSchema();
    try {
      await publishModelVersion(nc, prefix, model);
      runtime = await startRuntime(
        env(model, {
          POLIS_CONTEXT_DEFAULTS: '{"temperatureC": 11}',
          INFLUX_URL: `${INFLUX_BASE}/${database}`,
        }),
      );
      await runtime.whenReady();
      await waitFor('connected', async () => runtime!.readiness().detail.natsConnected === true);
      const results = new Collector<InferenceResult>(nc, `${prefix}.inference.${SITE}.${model.name}`);
      const decisions = new Collector<Decision>(nc, `${prefix}.decision.${SITE}.${model.name}`);
      await new Promise((r) => setTimeout(r, 200));
      const power = [18, 19, 21, 400, 20, 19, 18];
      power.forEach((activePowerKw, k) =>
        nc.publish(
          `${prefix}.telemetry.${SITE}.energy-meter.feeder-1`,
          JSON.stringify({ ts: start + k * QUARTER, values: { activePowerKw, voltageV: 400 } }),
        ),
      );
      const received = await results.waitFor(power.length - 1);
      const rows = received.map((r) => clock(r.ts).concat([11]));
      const observed = received.map((r) => [power[(r.ts - start) / QUARTER]]);
      const direct = await runDirect(model, { context: rows, observedKw: observed });
      received.forEach((r, i) => {
        expectClose(r.outputs.score, direct.score[i]);
        expect(r.outputs.anomaly).toEqual(direct.anomaly[i]);
      });
      const spike = received.find((r) => r.ts === start + 3 * QUARTER)!;
      expect(spike.outputs.anomaly).toEqual([1]);
      const alerts = await decisions.waitFor(1);
      expect(alerts.map((d) => d.ts)).toContain(spike.ts);
      expect(alerts[0].action).toMatchObject({ type: 'load-alert', reason: 'anomaly' });

      const series = await waitFor('results in InfluxDB', async () => {
        const rowsStored = await store.querySeries({
          kind: `inference-${model.name}`,
          site: SITE,
          from: new Date(start - QUARTER),
          to: new Date(start + 10 * QUARTER),
          aggregation: 'mean',
          source: 'raw',
        });
        return rowsStored.length === received.length ? rowsStored : undefined;
      });
      const stored = series.find((s) => Date.parse(s.time) === spike.ts)!;
      expect(stored.sensor).toBe('feeder-1');
      expect(stored.values.score).toBeCloseTo(spike.outputs.score[0], 3);
      expect(stored.values.anomaly).toBe(1);
      results.close();
      decisions.close();
    } finally {
      await runtime?.stop();
      runtime = undefined;
      await store.dropDatabase();
    }
  });

  it('refuses an artifact whose record does not match the pinned digest and stays unready', async () => {
    const model = models.get('traffic-flow-forecaster')!;
    await publishModelVersion(nc, prefix, model);
    runtime = await startRuntime(env(model, { POLIS_MODEL_ARTIFACT_SHA256: 'a'.repeat(64) }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await httpStatus(runtime.httpPort, '/healthz')).toBe(200);
    expect(await httpStatus(runtime.httpPort, '/readyz')).toBe(503);
  });
});
