/**
 * End-to-end ingest rate: messages per second from publish to queryable in InfluxDB. In the same run, on the
 * same readings, it measures Polis, a bare core-NATS pipeline, and bare durable pipelines (file-backed
 * JetStream stream, durable pull consumer, acks after the write) with an ack per message and with one
 * cumulative ack per written batch. Usage:
 *   npm run bench:ingest [-- --messages 50000 --runs 5 --only polis,durable-cumulative --cpu-prof DIR]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from 'nats';

const INFLUX = 'http://127.0.0.1:8086';
const ROOT = join(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    /** Profiles every pipeline's process (node --cpu-prof) and writes the .cpuprofile files here. */
    'cpu-prof': { type: 'string' },
  },
});
const MESSAGES = Number(args.messages);
const RUNS = Number(args.runs);
const PROBE_EVERY = 500;

interface RunResult {
  ratePerSecond: number;
  seconds: number;
  stored: number;
  latencyMs: number[];
  load1: number;
  pid?: number;
  /** CPU seconds the pipeline's process spent from the first publish to the last point queryable. */
  cpuSeconds: number;
}

/** User + system CPU seconds of a process so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function influxQuery(database: string, q: string): Promise<any> {
  const r = await fetch(`${INFLUX}/query?db=${database}&epoch=ms&q=${encodeURIComponent(q)}`);
  return r.json();
}

async function count(database: string, measurementPath: string): Promise<number> {
  const body = await influxQuery(database, `SELECT count("vehicleCount") FROM ${measurementPath}`);
  return body.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}

async function waitReady(child: ChildProcess, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error('pipeline exited before it was ready');
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pipeline did not become ready');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Publishes MESSAGES readings as fast as NATS takes them; every PROBE_EVERY-th is timed until queryable. */
async function drive(
  nc: NatsConnection,
  prefix: string,
  database: string,
  path: string,
  pid: number | undefined,
): Promise<RunResult> {
  const cpuBefore = cpuSecondsOf(pid);
  const probes = new Map<number, number>();
  const latencyMs: number[] = [];
  const load1 = loadavg()[0];
  const start = Date.now();
  const base = start - 60_000;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const body = await influxQuery(
        database,
        `SELECT "vehicleCount" FROM ${path} WHERE "sensor" = 'probe' AND time >= ${base}ms`,
      );
      const now = Date.now();
      for (const [ts] of (body.results?.[0]?.series?.[0]?.values ?? []) as [number][]) {
        const sentAt = probes.get(ts);
        if (sentAt !== undefined) {
          latencyMs.push(now - sentAt);
          probes.delete(ts);
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  for (let i = 0; i < MESSAGES; i++) {
    const probe = i % PROBE_EVERY === 0;
    const sensor = probe ? 'probe' : `loop-${i % 16}`;
    const ts = base + i;
    if (probe) probes.set(ts, Date.now());
    nc.publish(
      `${prefix}.telemetry.site-${i % 8}.traffic-loop.${sensor}`,
      JSON.stringify({ ts, values: { vehicleCount: i % 40, occupancyPct: 10 } }),
    );
    if (i % 1000 === 999) await nc.flush();
  }
  await nc.flush();
  let stored = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    stored = await count(database, path);
    if (stored >= MESSAGES) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (Date.now() - start) / 1000;
  const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
  polling = false;
  await poller;
  return { ratePerSecond: stored / seconds, seconds, stored, latencyMs, load1, cpuSeconds, pid };
}

async function deleteStreams(nc: NatsConnection, names: string[]): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const s of names) await jsm.streams.delete(s).catch(() => false);
}

async function runPolis(nc: NatsConnection): Promise<RunResult> {
  const id = randomBytes(3).toString('hex');
  const prefix = `bench-${id}`;
  const database = `bench_polis_${id}`;
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, [...profiling(), join(ROOT, 'dist/apps/control-plane/main.js')], {
    env: {
      ...process.env,
      POLIS_SUBJECT_PREFIX: prefix,
      INFLUX_URL: `${INFLUX}/${database}`,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    await waitReady(child, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200);
    return await drive(nc, prefix, database, `"${database}"."raw"."traffic-loop"`, child.pid);
  } finally {
    await stop(child);
    await influxQuery(database, `DROP DATABASE "${database}"`);
    const upper = prefix.toUpperCase().replace(/-/g, '_');
    await deleteStreams(nc, [
      `${upper}_TELEMETRY`,
      `${upper}_DEADLETTER`,
      `KV_${prefix}_sensor_kinds`,
      `KV_${prefix}_sensors`,
      `KV_${prefix}_ingest_leases`,
    ]);
  }
}

/** Profile files are named CPU.<date>.<time>.<pid>…: the progress lines give each run's pid. */
const profiling = () => (args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(args['cpu-prof'])] : []);

/** A bare pipeline from bench/ingest/, run as its own process like the control plane. */
async function runBare(nc: NatsConnection, script: string, env: Record<string, string>): Promise<RunResult> {
  const id = randomBytes(3).toString('hex');
  const prefix = `bench-${id}`;
  const database = `bench_base_${id}`;
  const stream = `BENCH_${id.toUpperCase()}`;
  const bare = ['-r', 'ts-node/register/transpile-only', join(__dirname, script)];
  const child = spawn(process.execPath, [...profiling(), ...bare], {
    env: {
      ...process.env,
      ...env,
      BENCH_DATABASE: database,
      BENCH_SUBJECT: `${prefix}.telemetry.>`,
      BENCH_STREAM: stream,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  child.stdout?.on('data', (d: Buffer) => (ready ||= d.toString().includes('ready')));
  try {
    await waitReady(child, async () => ready);
    return await drive(nc, prefix, database, `"traffic-loop"`, child.pid);
  } finally {
    await stop(child);
    await influxQuery(database, `DROP DATABASE "${database}"`);
    await deleteStreams(nc, [stream]);
  }
}

const PIPELINES = {
  polis: runPolis,
  core: (nc: NatsConnection) => runBare(nc, 'ingest/baseline-pipeline.ts', {}),
  'durable-explicit': (nc: NatsConnection) =>
    runBare(nc, 'ingest/durable-pipeline.ts', { BENCH_ACK: 'explicit' }),
  'durable-cumulative': (nc: NatsConnection) =>
    runBare(nc, 'ingest/durable-pipeline.ts', { BENCH_ACK: 'cumulative' }),
} as const;
type Pipeline = keyof typeof PIPELINES;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const round2 = (x: number) => Number(x.toFixed(2));

async function main(): Promise<void> {
  const selected = (args.only?.split(',') ?? Object.keys(PIPELINES)) as Pipeline[];
  for (const name of selected) if (!(name in PIPELINES)) throw new Error(`unknown pipeline ${name}`);
  const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  const results = new Map<Pipeline, RunResult[]>(selected.map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order so no pipeline always runs first or last on a machine others share.
    const order = selected.map((_, i) => selected[(i + run) % selected.length]);
    for (const name of order) {
      const result = await PIPELINES[name](nc);
      results.get(name)!.push(result);
      process.stderr.write(
        `${name.padEnd(18)} run ${run + 1}: ${result.ratePerSecond.toFixed(0)} msg/s, ` +
          `stored ${result.stored}/${MESSAGES}, ${result.cpuSeconds.toFixed(2)} CPU s, load ${result.load1.toFixed(2)}, pid ${result.pid}\n`,
      );
    }
  }
  await nc.close();
  const rate = (name: Pipeline) => median(results.get(name)!.map((r) => r.ratePerSecond));
  const summarise = (rs: RunResult[]) => ({
    medianRatePerSecond: Math.round(median(rs.map((r) => r.ratePerSecond))),
    ratesPerSecond: rs.map((r) => Math.round(r.ratePerSecond)),
    medianSeconds: round2(median(rs.map((r) => r.seconds))),
    allStored: rs.every((r) => r.stored === MESSAGES),
    latencyP50Ms: Math.round(median(rs.map((r) => percentile(r.latencyMs, 50)))),
    latencyP99Ms: Math.round(median(rs.map((r) => percentile(r.latencyMs, 99)))),
    medianCpuSeconds: round2(median(rs.map((r) => r.cpuSeconds))),
  });
  const durable = selected.filter((name) => name.startsWith('durable-'));
  const bestDurable = durable.sort((a, b) => rate(b) - rate(a))[0];
  const allLoads = [...results.values()].flat().map((r) => r.load1);
  const summary = {
    messages: MESSAGES,
    runs: RUNS,
    loadAverage1m: { min: round2(Math.min(...allLoads)), max: round2(Math.max(...allLoads)) },
    pipelines: Object.fromEntries([...results].map(([name, rs]) => [name, summarise(rs)])),
    ratios: {
      ...(results.has('core')
        ? Object.fromEntries(selected.map((name) => [`${name}/core`, round2(rate(name) / rate('core'))]))
        : {}),
      ...(bestDurable && results.has('polis')
        ? {
            bestDurable,
            'polis/bestDurable': round2(rate('polis') / rate(bestDurable)),
            // Same-round pairs: each ratio compares two runs a few seconds apart on the same machine.
            'polis/bestDurable per run': results
              .get('polis')!
              .map((r, i) => round2(r.ratePerSecond / results.get(bestDurable)![i].ratePerSecond)),
          }
        : {}),
    },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

void main();
