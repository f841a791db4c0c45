/**
 * The durable baseline the ingest benchmark measures Polis against: a file-backed JetStream stream, a durable
 * pull consumer, line protocol posted to InfluxDB in batches, and acknowledgements only after the write. No
 * validation, no dead letters, no metrics. BENCH_ACK=explicit acks every message; BENCH_ACK=cumulative
 * (AckPolicy.All) acks the last message of each written batch. Writes are chained one after another, so the
 * last message of a batch is the floor.
 */
import { AckPolicy, connect, DeliverPolicy, type JsMsg, nanos, StorageType } from 'nats';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const influxBase = process.env.INFLUX_BASE ?? 'http://127.0.0.1:8086';
const database = process.env.BENCH_DATABASE ?? 'bench';
const subject = process.env.BENCH_SUBJECT ?? 'bench.telemetry.>';
const stream = process.env.BENCH_STREAM ?? 'BENCH_TELEMETRY';
const cumulative = process.env.BENCH_ACK === 'cumulative';
const BATCH = 2_000;
const FLUSH_MS = 50;

async function main(): Promise<void> {
  await fetch(`${influxBase}/query?q=${encodeURIComponent(`CREATE DATABASE "${database}"`)}`, {
    method: 'POST',
  });
  const nc = await connect({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File });
  await jsm.consumers.add(stream, {
    durable_name: 'bench-ingest',
    ack_policy: cumulative ? AckPolicy.All : AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(30_000),
    max_ack_pending: 20_000,
  });
  const consumer = await nc.jetstream().consumers.get(stream, 'bench-ingest');
  const messages = await consumer.consume({ max_messages: BATCH * 2 });

  let lines: string[] = [];
  let held: JsMsg[] = [];
  let chain = Promise.resolve();
  const flush = () => {
    if (lines.length === 0) return chain;
    const body = lines.join('\n');
    const acks = held;
    lines = [];
    held = [];
    chain = chain.then(async () => {
      const r = await fetch(`${influxBase}/write?db=${database}&precision=ms`, { method: 'POST', body });
      if (r.status !== 204) throw new Error(`InfluxDB answered ${r.status}`);
      if (cumulative) acks[acks.length - 1].ack();
      else for (const m of acks) m.ack();
    });
    return chain;
  };
  setInterval(() => void flush(), FLUSH_MS);
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
  for await (const m of messages) {
    const [, , site, kind, sensor] = m.subject.split('.');
    const { ts, values } = m.json<{ ts: number; values: Record<string, number> }>();
    const fields = Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    lines.push(`${kind},site=${site},sensor=${sensor} ${fields} ${ts}`);
    held.push(m);
    if (lines.length >= BATCH) void flush();
  }
}

void main();
