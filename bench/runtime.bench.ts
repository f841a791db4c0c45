/**
 * Edge runtime benchmark: telemetry publish -> InferenceResult received, through real NATS (127.0.0.1:4222 or
 * NATS_URL), against a bare onnxruntime-node loop and a bare NATS round trip on the same model in the same
 * run. Each scenario runs for the runtime as configured (inline execution for a model this cheap) and with
 * POLIS_INLINE_BUDGET_US=0 (every batch in a worker thread, the design before inline execution), the runs
 * of all scenarios interleaved so that they share the machine's load. Every figure is the median of RUNS
 * runs after a warm-up run; ratios are taken per round, then their median.
 *
 *   npm run bench:runtime                      # everything
 *   npm run bench:runtime -- --only batch1     # the closed loop only (for node --cpu-prof), --runs N
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { servingSubject } from '@polis/contracts';
import { LatencyHistogram } from '@polis/inference';
import { buildCityModels } from '@polis/onnx';
import { connect, headers, type NatsConnection } from 'nats';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import pino from 'pino';
import { loadConfig } from '../apps/edge-runtime/src/config/config';
import { EdgeRuntime } from '../apps/edge-runtime/src/runtime';
import { publishModelVersion, removeRegistryBuckets } from '../test/edge-runtime/support/registry';
import { prepareServing, removeServing } from '../test/edge-runtime/support/runtime-harness';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(flag('--runs') ?? 5);
const ONLY_BATCH1 = flag('--only') === 'batch1';
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

const readingPayload = (k: number, sensor: number): string =>
  JSON.stringify({
    ts: T0 + k * FIVE_MIN,
    values: { vehicleCount: 20 + ((k * 7 + sensor) % 40), occupancyPct: 10 },
  });

/**
 * Publish on one connection, answer from another, receive on the first. The client does what the runtime's
 * client does (encode a reading per publish, parse each answer), so only the runtime's own work differs.
 * With `infer`, the answering side also runs the model on a fixed row and answers with its outputs as JSON:
 * bare inference plus the NATS round trip measured as one, with nothing of the runtime in between.
 */
async function natsRoundTrip(
  prefix: string,
  options: { infer?: InferenceSession; serving?: boolean } = {},
): Promise<Figures> {
  const { infer, serving } = options;
  const client = await connect({ servers: NATS_URL });
  const echo = await connect({ servers: NATS_URL });
  const row = Float32Array.from({ length: 15 }, (_, i) => i + 1);
  const encoder = new TextEncoder();
  // With `serving`, the answer goes the way the runtime's results go: into the serving stream with a
  // Nats-Msg-Id, received on the public subject the stream republishes it to.
  const outSubject = serving ? servingSubject(prefix, 'inference', SITE, 'echo') : `${prefix}.echo.out`;
  const receiveSubject = serving ? `${prefix}.inference.${SITE}.echo` : outSubject;
  let answers = 0;
  const answer = (data: Uint8Array): void => {
    if (!serving) return echo.publish(outSubject, data);
    const h = headers();
    h.set('Nats-Msg-Id', `echo-${process.pid}-${performance.now()}-${answers++}`);
    echo.publish(outSubject, data, { headers: h });
  };
  echo.subscribe(`${prefix}.echo.in`, {
    callback: (_e, m) => {
      if (!infer) return answer(m.data);
      void infer.run({ features: new Tensor('float32', row.slice(), [1, 15]) }).then((out) => {
        const outputs = Object.fromEntries(
          Object.entries(out).map(([n, t]) => [n, Array.from(t.data as Float32Array)]),
        );
        answer(encoder.encode(JSON.stringify({ outputs })));
      });
    },
  });
  await echo.flush();
  const h = new LatencyHistogram();
  let resolveNext: (() => void) | undefined;
  const decoder = new TextDecoder();
  client.subscribe(receiveSubject, {
    callback: (_e, m) => {
      JSON.parse(decoder.decode(m.data));
      resolveNext?.();
    },
  });
  await client.flush();
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    await new Promise<void>((resolve) => {
      resolveNext = resolve;
      client.publish(`${prefix}.echo.in`, readingPayload(i, 0));
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

  static async start(
    admin: NatsConnection,
    prefix: string,
    cacheDir: string,
    batch: { size: number; waitMs: number },
    inlineBudgetUs?: number,
  ) {
    await publishModelVersion(admin, prefix, model);
    await prepareServing(admin, prefix);
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
      ...(inlineBudgetUs === undefined ? {} : { POLIS_INLINE_BUDGET_US: String(inlineBudgetUs) }),
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
    this.nc.publish(`${this.prefix}.telemetry.${SITE}.traffic-loop.s${sensor}`, readingPayload(k, sensor));
  }

  /** Closed loop: one reading, wait for its result, next. Reading k closes interval k-1, so t = k. */
  async sequential(): Promise<Figures> {
    const h = new LatencyHistogram();
    const internal = new LatencyHistogram();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
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
    lag.disable();
    return {
      p50: h.quantile(0.5),
      p99: h.quantile(0.99),
      perSecond: SEQUENTIAL / (elapsed / 1000),
      internalP50: internal.quantile(0.5),
      loopLagP99: lag.percentile(99) / 1e6,
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

  async stop(admin: NatsConnection): Promise<void> {
    await this.runtime.stop();
    await this.nc.close();
    await removeRegistryBuckets(admin, this.prefix);
    await removeServing(admin, this.prefix);
  }
}

type Scenario = [label: string, run: () => Promise<Figures>];

/**
 * Runs the scenarios in rounds (one warm-up round, then RUNS), each round running every scenario once, so
 * that scenarios compared with one another see the same load. Returns each scenario's runs.
 */
async function interleaved(scenarios: Scenario[]): Promise<Figures[][]> {
  const runs: Figures[][] = scenarios.map(() => []);
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, [, run]] of scenarios.entries()) {
      const figures = await run();
      if (round > 0) runs[i].push(figures);
    }
  }
  scenarios.forEach(([label], i) => print(label, medians(runs[i])));
  return runs;
}

function medians(runs: Figures[]): Figures {
  const pick = (f: (x: Figures) => number | undefined) => median(runs.map((r) => f(r) ?? 0));
  return {
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    perSecond: pick((r) => r.perSecond),
    loopLagP99: pick((r) => r.loopLagP99),
    internalP50: pick((r) => r.internalP50),
  };
}

function print(label: string, figures: Figures): void {
  console.log(
    `${label.padEnd(46)} p50 ${fmt(figures.p50).padStart(9)}  p99 ${fmt(figures.p99).padStart(9)}  ${figures.perSecond.toFixed(0).padStart(7)}/s` +
      (figures.loopLagP99 ? `  loop lag p99 ${fmt(figures.loopLagP99)}` : '') +
      (figures.internalP50 ? `  in-runtime p50 ${fmt(figures.internalP50)}` : ''),
  );
}

/** Median over rounds of a per-round ratio. */
const ratio = (a: Figures[], f: (r: Figures, i: number) => number): number => median(a.map(f));

async function main(): Promise<void> {
  const prefix = `bench-rt-${process.pid}`;
  const admin = await connect({ servers: NATS_URL });
  const cacheDir = await mkdtemp(join(tmpdir(), 'polis-bench-cache-'));
  const started: RuntimeUnderTest[] = [];
  const start = async (name: string, batch: { size: number; waitMs: number }, budgetUs?: number) => {
    const r = await RuntimeUnderTest.start(admin, `${prefix}-${name}`, cacheDir, batch, budgetUs);
    started.push(r);
    return r;
  };
  const stop = async (r: RuntimeUnderTest) => {
    started.splice(started.indexOf(r), 1);
    await r.stop(admin);
  };
  console.log(
    `edge runtime benchmark: ${model.name} (SLO ${model.metadata.latencySloMs} ms), ${cpus().length} cores, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `median of ${RUNS} interleaved runs after a warm-up; flood = ${SENSORS} sensors x ${FLOOD_ROUNDS} readings; "workers" = POLIS_INLINE_BUDGET_US=0\n`,
  );
  try {
    // Results reach the subject the benchmark reads through the serving stream, as in production.
    await prepareServing(admin, prefix);
    const session = await InferenceSession.create(Buffer.from(model.bytes), { intraOpNumThreads: 1 });
    const inline1 = await start('inline1', { size: 1, waitMs: 0 });
    const worker1 = await start('worker1', { size: 1, waitMs: 0 }, 0);
    console.log(`execution as chosen at load: ${JSON.stringify(inline1.runtime.execution)}\n`);
    const [bare, nats, natsServing, floor, seq, seqWorker] = await interleaved([
      ['bare onnxruntime-node, batch 1, main thread', bareLoop],
      ['NATS round trip (publish -> echo -> receive)', () => natsRoundTrip(prefix)],
      ['NATS round trip, answer via serving stream', () => natsRoundTrip(prefix, { serving: true })],
      [
        'NATS round trip + inference in one echo',
        () => natsRoundTrip(prefix, { infer: session, serving: true }),
      ],
      ['runtime batch 1, closed loop', () => inline1.sequential()],
      ['runtime batch 1, closed loop, workers', () => worker1.sequential()],
    ]);
    await session.release();
    const overhead = (runs: Figures[]) => ratio(runs, (r, i) => r.p50 / (bare[i].p50 + nats[i].p50));
    const overheadServing = (runs: Figures[]) =>
      ratio(runs, (r, i) => r.p50 / (bare[i].p50 + natsServing[i].p50));
    const vsFloor = (runs: Figures[]) => ratio(runs, (r, i) => r.p50 / floor[i].p50);
    const pct = (x: number): string => `${((x - 1) * 100).toFixed(0)}%`;
    const summary = [
      `batch-1 p50 / (bare inference + NATS round trip), per round: ${overhead(seq).toFixed(2)} (+${pct(overhead(seq))}); workers: ${overhead(seqWorker).toFixed(2)} (+${pct(overhead(seqWorker))})`,
      `batch-1 p50 / (bare inference + NATS round trip via serving stream): ${overheadServing(seq).toFixed(2)} (+${pct(overheadServing(seq))}); workers: ${overheadServing(seqWorker).toFixed(2)} (+${pct(overheadServing(seqWorker))})`,
      `batch-1 p50 / (NATS round trip via serving stream + inference in one echo): ${vsFloor(seq).toFixed(2)}; workers: ${vsFloor(seqWorker).toFixed(2)}`,
      `batch-1 p50 inline / workers: ${ratio(seq, (r, i) => r.p50 / seqWorker[i].p50).toFixed(2)}`,
    ];
    if (!ONLY_BATCH1) {
      const [flood1, flood1Worker] = await interleaved([
        ['runtime batch 1, flood', () => inline1.flood()],
        ['runtime batch 1, flood, workers', () => worker1.flood()],
      ]);
      await stop(inline1);
      await stop(worker1);
      const batched = await start('inline64', { size: 64, waitMs: 2 });
      const batchedWorker = await start('worker64', { size: 64, waitMs: 2 }, 0);
      const [floodB, floodBWorker, paced, pacedWorker] = await interleaved([
        ['runtime micro-batch (64, 2 ms), flood', () => batched.flood()],
        ['runtime micro-batch (64, 2 ms), flood, workers', () => batchedWorker.flood()],
        [`runtime micro-batch, paced ${PACED_RATE}/s`, () => batched.flood(PACED_RATE)],
        [`runtime micro-batch, paced ${PACED_RATE}/s, workers`, () => batchedWorker.flood(PACED_RATE)],
      ]);
      const slo = model.metadata.latencySloMs;
      summary.push(
        `micro-batching throughput / batch-1 flood: ${ratio(floodB, (r, i) => r.perSecond / flood1[i].perSecond).toFixed(1)}x; workers: ${ratio(floodBWorker, (r, i) => r.perSecond / flood1Worker[i].perSecond).toFixed(1)}x`,
        `micro-batch flood throughput inline / workers: ${ratio(floodB, (r, i) => r.perSecond / floodBWorker[i].perSecond).toFixed(2)}`,
        `micro-batch flood p99 ${fmt(medians(floodB).p99)}, workers ${fmt(medians(floodBWorker).p99)} (offered load unbounded, queueing included)`,
        `micro-batch at ${PACED_RATE}/s = ${ratio(paced, (r, i) => r.perSecond / flood1Worker[i].perSecond).toFixed(1)}x batch-1 worker capacity, ${ratio(paced, (r, i) => r.perSecond / flood1[i].perSecond).toFixed(1)}x batch-1 inline capacity: p99 ${fmt(medians(paced).p99)} (workers ${fmt(medians(pacedWorker).p99)}) vs SLO ${slo} ms`,
      );
    }
    console.log(
      `\nsummary (load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    for (const line of summary) console.log(`  ${line}`);
  } finally {
    for (const r of [...started]) await stop(r);
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
