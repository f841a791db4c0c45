/**
 * The baseline the ingest benchmark measures Polis against: a bare nats.js subscription that turns messages
 * into line protocol and posts batches to InfluxDB. No validation, no JetStream, no acknowledgements.
 * Run as its own process, like the control plane, so both pay for one Node event loop.
 */
import { connect } from 'nats';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const influxBase = process.env.INFLUX_BASE ?? 'http://127.0.0.1:8086';
const database = process.env.BENCH_DATABASE ?? 'bench';
const subject = process.env.BENCH_SUBJECT ?? 'polis.telemetry.>';
const BATCH = 2_000;
const FLUSH_MS = 50;

async function main(): Promise<void> {
  await fetch(`${influxBase}/query?q=${encodeURIComponent(`CREATE DATABASE "${database}"`)}`, {
    method: 'POST',
  });
  const nc = await connect({ servers: natsUrl });
  let lines: string[] = [];
  let chain = Promise.resolve();
  const flush = () => {
    if (lines.length === 0) return chain;
    const body = lines.join('\n');
    lines = [];
    chain = chain.then(async () => {
      await fetch(`${influxBase}/write?db=${database}&precision=ms`, { method: 'POST', body });
    });
    return chain;
  };
  setInterval(() => void flush(), FLUSH_MS);
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      const [, , site, kind, sensor] = msg.subject.split('.');
      const { ts, values } = msg.json<{ ts: number; values: Record<string, number> }>();
      const fields = Object.entries(values)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      lines.push(`${kind},site=${site},sensor=${sensor} ${fields} ${ts}`);
      if (lines.length >= BATCH) void flush();
    },
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
}

void main();
