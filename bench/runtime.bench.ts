/**
 * Edge runtime benchmark: telemetry publish -> InferenceResult received, through real NATS (127.0.0.1:4222 or
 * NATS_URL) and the runtime's worker-thread sessions, against a bare onnxruntime-node loop on the same model
 * in the same run. Every figure is the median of RUNS runs after a warm-up run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/runtime.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LatencyHistogram } from '@polis/inference';
import { buildCityModels } from '@polis/onnx';
import { connect, type NatsConnection } from 'nats';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import pino from 'pino';
import { loadConfig } from '../apps/edge-runtime/src/config/config';
import { EdgeRuntime } from '../apps/edge-runtime/src/runtime';
import { publishModelVersion, removeRegistryBuckets } from '../test/edge-runtime/support/registry';
import { prepareServing, removeServing } from '../test/edge-runtime/support/runtime-harness';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const RUNS = 5;
const SITE = 'bench';
const FIVE_MIN = 300_000;
const T0 = Date.UTC(2025, 0, 6);
const SEQUENTIAL = 2000;
const SENSORS = 100;
const FLOOD_ROUNDS = 150; // x SENSORS readings per flood run
const CHUNK = 500;
const TICK_MS = 5;
/** Offered load of the paced scenario: well past batch-1 capacity (see the batch-1 flood line). */
const PACED_RATE = 15_000;

const model = buildCityModels(42).find((m) => m.name === 'traffic-flow-forecaster')!;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number): string => `${ms < 1 ? (ms * 1000).toFixed(0) + ' µs' : ms.toFixed(2) + ' ms'}`;

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
  loopLagP99?: number;
  /** Inside the runtime (reading received -> outputs ready), from InferenceResult.latencyMs. */
  internalP50?: number;
}

async function bareLoop(): Promise<Figures> {
  const session = await InferenceSession.create(Buffer.from(model.bytes), { intraOpNumThreads: 1 });
  const h = new LatencyHistogram();
  const row = Float32Array.from({ length: 15 }, (_, i) => i + 1);
  for (let i = 0; i < 200; i++) await session.run({ features: new Tensor('float32', row.slice(), [1, 15]) });
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL * 2; i++) {
    const t = performance.now();
    await session.run({ features: new Tensor('float32', row.slice(), [1, 15]) });
    h.record(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  await session.release();
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), perSecond: (SEQUENTIAL * 2) / (elapsed / 1000) };
}

/** Publish on one connection, echo from another (as the runtime would), receive on the first. */
async function natsRoundTrip(prefix: string): Promise<Figures> {
  const client = await connect({ servers: NATS_URL });
  const echo = await connect({ servers: NATS_URL });
  echo.subscribe(`${prefix}.echo.in`, { callback: (_e, m) => echo.publish(`${prefix}.echo.out`, m.data) });
  await echo.flush();
  const h = new LatencyHistogram();
  let resolveNext: (() => void) | undefined;
  client.subscribe(`${prefix}.echo.out`, { callback: () => resolveNext?.() });
  await client.flush();
  const payload = JSON.stringify({ ts: T0, values: { vehicleCount: 30, occupancyPct: 10 } });
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    await new Promise<void>((resolve) => {
      resolveNext = resolve;
      client.publish(`${prefix}.echo.in`, payload);
    });
    h.record(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  await client.close();
  await echo.close();
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), perSecond: SEQUENTIAL / (elapsed / 1000) };
}

class RuntimeUnderTest {
  /** Next reading index: one sensor for the closed loop, SENSORS others for floods. */
  private sequentialK = 12;
  private floodK = 12;
  private readonly sent = new Map<string, number>();
  private onResult: ((key: string, at: number, internalMs: number) => void) | undefined;

  private constructor(
    readonly runtime: EdgeRuntime,
    private readonly nc: NatsConnection,
    private readonly prefix: string,
  ) {
    nc.subscribe(`${prefix}.inference.${SITE}.${model.name}`, {
      callback: (_e, msg) => {
        const at = performance.now();
        const r = JSON.parse(new TextDecoder().decode(msg.data)) as {
          sensorId: string;
          ts: number;
          latencyMs: number;
        };
        this.onResult?.(`${r.sensorId}@${r.ts}`, at, r.latencyMs);
      },
    });
  }

  static async start(prefix: string, cacheDir: string, batch: { size: number; waitMs: number }) {
    const config = loadConfig({
      POLIS_SITE_ID: SITE,
      POLIS_MODEL_NAME: model.name,
      POLIS_MODEL_VERSION: model.version,
      POLIS_NATS_URL: NATS_URL,
      POLIS_SUBJECT_PREFIX: prefix,
      POLIS_MODEL_CACHE_DIR: cacheDir,
      POLIS_BATCH_MAX_SIZE: String(batch.size),
      POLIS_BATCH_MAX_WAIT_MS: String(batch.waitMs),
      POLIS_HTTP_PORT: '0',
    });
    const runtime = await EdgeRuntime.start(config, pino({ level: 'warn' }));
    await runtime.whenReady();
    while (runtime.readiness().detail.natsConnected !== true) await new Promise((r) => setTimeout(r, 20));
    const nc = await connect({ servers: NATS_URL });
    const bench = new RuntimeUnderTest(runtime, nc, prefix);
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    // Twelve readings per sensor: from then on every reading completes one window.
    for (let k = 0; k < 12; k++) for (let s = 0; s <= SENSORS; s++) bench.publish(s, k);
    await nc.flush();
    await new Promise((r) => setTimeout(r, 500));
    return bench;
  }

  private publish(sensor: number, k: number): void {
    this.nc.publish(
      `${this.prefix}.telemetry.${SITE}.traffic-loop.s${sensor}`,
      JSON.stringify({
        ts: T0 + k * FIVE_MIN,
        values: { vehicleCount: 20 + ((k * 7 + sensor) % 40), occupancyPct: 10 },
      }),
    );
  }

  /** Closed loop: one reading, wait for its result, next. Reading k closes interval k-1, so t = k. */
  async sequential(): Promise<Figures> {
    const h = new LatencyHistogram();
    const internal = new LatencyHistogram();
    const started = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) {
      const k = this.sequentialK++;
      const key = `s${SENSORS}@${T0 + k * FIVE_MIN}`;
      const t = performance.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no result for ${key} within 10 s`)), 10_000);
        this.onResult = (got, _at, internalMs) => {
          if (got !== key) return;
          internal.record(internalMs);
          clearTimeout(timer);
          resolve();
        };
        this.publish(SENSORS, k);
      });
      h.record(performance.now() - t);
    }
    const elapsed = performance.now() - started;
    return {
      p50: h.quantile(0.5),
      p99: h.quantile(0.99),
      perSecond: SEQUENTIAL / (elapsed / 1000),
      internalP50: internal.quantile(0.5),
    };
  }

  /**
   * Open loop: every sensor publishes FLOOD_ROUNDS readings, as fast as NATS takes them or, with
   * `ratePerSecond`, paced in 5 ms ticks at that offered load.
   */
  async flood(ratePerSecond?: number): Promise<Figures> {
    const h = new LatencyHistogram();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const total = FLOOD_ROUNDS * SENSORS;
    let received = 0;
    const done = new Promise<void>((resolve) => {
      this.onResult = (key, at) => {
        const sentAt = this.sent.get(key);
        if (sentAt === undefined) return;
        this.sent.delete(key);
        h.record(at - sentAt);
        if (++received === total) resolve();
      };
    });
    const started = performance.now();
    let published = 0;
    for (let round = 0; round < FLOOD_ROUNDS; round++) {
      const k = this.floodK++;
      for (let s = 0; s < SENSORS; s++) {
        this.sent.set(`s${s}@${T0 + k * FIVE_MIN}`, performance.now());
        this.publish(s, k);
        published++;
        if (ratePerSecond !== undefined) {
          const due = started + (published / ratePerSecond) * 1000;
          if (due - performance.now() > TICK_MS)
            await new Promise((r) => setTimeout(r, due - performance.now()));
        } else if (published % CHUNK === 0) await this.nc.flush();
      }
    }
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`flood: ${received} of ${total} results after 120 s`)),
          120_000,
        ).unref(),
      ),
    ]);
    const elapsed = performance.now() - started;
    lag.disable();
    return {
      p50: h.quantile(0.5),
      p99: h.quantile(0.99),
      perSecond: total / (elapsed / 1000),
      loopLagP99: lag.percentile(99) / 1e6,
    };
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
    await this.nc.close();
  }
}

async function medianOf(label: string, run: () => Promise<Figures>): Promise<Figures> {
  await run(); // warm-up
  const runs: Figures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  const pick = (f: (x: Figures) => number | undefined) => median(runs.map((r) => f(r) ?? 0));
  const figures = {
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    perSecond: pick((r) => r.perSecond),
    loopLagP99: pick((r) => r.loopLagP99),
    internalP50: pick((r) => r.internalP50),
  };
  console.log(
    `${label.padEnd(44)} p50 ${fmt(figures.p50).padStart(9)}  p99 ${fmt(figures.p99).padStart(9)}  ${figures.perSecond.toFixed(0).padStart(7)}/s` +
      (figures.loopLagP99 ? `  loop lag p99 ${fmt(figures.loopLagP99)}` : '') +
      (figures.internalP50 ? `  in-runtime p50 ${fmt(figures.internalP50)}` : ''),
  );
  return figures;
}

async function main(): Promise<void> {
  const prefix = `bench-rt-${process.pid}`;
  const admin = await connect({ servers: NATS_URL });
  const cacheDir = await mkdtemp(join(tmpdir(), 'polis-bench-cache-'));
  console.log(
    `edge runtime benchmark: ${model.name} (SLO ${model.metadata.latencySloMs} ms), ${cpus().length} cores, node ${process.version}`,
  );
  console.log(
    `median of ${RUNS} runs after a warm-up; flood = ${SENSORS} sensors x ${FLOOD_ROUNDS} readings\n`,
  );
  try {
    await publishModelVersion(admin, prefix, model);
    // Results reach the subject the benchmark reads through the serving stream, as in production.
    await prepareServing(admin, prefix);
    const bare = await medianOf('bare onnxruntime-node, batch 1, main thread', bareLoop);
    const nats = await medianOf('NATS round trip (publish -> echo -> receive)', () => natsRoundTrip(prefix));

    const single = await RuntimeUnderTest.start(prefix, cacheDir, { size: 1, waitMs: 0 });
    const seq = await medianOf('runtime batch 1, closed loop', () => single.sequential());
    const flood1 = await medianOf('runtime batch 1, flood', () => single.flood());
    await single.stop();

    const batched = await RuntimeUnderTest.start(prefix, cacheDir, { size: 64, waitMs: 2 });
    const floodB = await medianOf('runtime micro-batch (64, 2 ms), flood', () => batched.flood());
    const paced = await medianOf(`runtime micro-batch, paced ${PACED_RATE}/s`, () =>
      batched.flood(PACED_RATE),
    );
    await batched.stop();

    const floor = bare.p50 + nats.p50;
    console.log('\nsummary');
    console.log(
      `  batch-1 p50 ${fmt(seq.p50)} vs bare inference + NATS round trip ${fmt(floor)}: overhead ${(((seq.p50 - floor) / floor) * 100).toFixed(0)}% (${fmt(seq.p50 - floor)})`,
    );
    console.log(
      `  micro-batching throughput ${(floodB.perSecond / flood1.perSecond).toFixed(1)}x batch-1 flood`,
    );
    console.log(`  micro-batch flood p99 ${fmt(floodB.p99)} (offered load unbounded, queueing included)`);
    console.log(
      `  micro-batch at ${PACED_RATE}/s = ${(paced.perSecond / flood1.perSecond).toFixed(1)}x batch-1 capacity: p99 ${fmt(paced.p99)} vs SLO ${model.metadata.latencySloMs} ms`,
    );
  } finally {
    await removeRegistryBuckets(admin, prefix);
    await removeServing(admin, prefix);
    await admin.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
