/**
 * What "one result per reading" costs: publish-to-receive latency of a result on its public subject,
 * published directly (core NATS, what runners did before) or through the serving stream (a stored message
 * with a Nats-Msg-Id, republished), with one publisher and with two publishing every window (failover
 * overlap). Paced, on the shared NATS; medians of several runs, variants rotated, ratios within a run.
 *
 *   npm run bench:serving -- --messages 3000 --rate 2000 --runs 5
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connect, headers, type NatsConnection } from 'nats';
import { publicSubjectOf, resultMessageId, servingSubject } from '@polis/contracts';
import {
  ensureServingStream,
  servingStreamConfig,
} from '../apps/control-plane/src/deployments/serving-stream';

const NATS_URL = 'nats://127.0.0.1:4222';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

type Variant = 'direct' | 'stream' | 'stream, two publishers';
interface Figures {
  p50: number;
  p99: number;
  delivered: number;
  duplicates: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(
  nc: NatsConnection,
  prefix: string,
  variant: Variant,
  { run, n, rate }: { run: number; n: number; rate: number },
): Promise<Figures> {
  const site = `site-${run}`;
  const serving = servingSubject(prefix, 'inference', site, 'bench-model');
  const target = publicSubjectOf(prefix, serving);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const seen = new Set<number>();
  let duplicates = 0;
  const subscription = nc.subscribe(target, {
    callback: (_e, msg) => {
      const window = Number(msg.string());
      if (seen.has(window)) {
        duplicates++;
        return;
      }
      seen.add(window);
      latencies.push(performance.now() - (sentAt.get(window) ?? NaN));
    },
  });
  await nc.flush();
  const publishers = variant === 'stream, two publishers' ? 2 : 1;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(i, performance.now());
    for (let p = 0; p < publishers; p++) {
      if (variant === 'direct') nc.publish(target, String(i));
      else {
        const h = headers();
        h.set(
          'Nats-Msg-Id',
          resultMessageId({
            siteId: site,
            modelName: 'bench-model',
            sensorId: `${variant.length}`,
            windowTs: i,
          }),
        );
        nc.publish(serving, String(i), { headers: h });
      }
    }
  }
  const deadline = Date.now() + 10_000;
  while (seen.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200)); // late duplicates, if any
  subscription.unsubscribe();
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), delivered: seen.size, duplicates };
}

async function main(): Promise<void> {
  const n = option('messages', 3000);
  const rate = option('rate', 2000);
  const runs = option('runs', 5);
  const prefix = `bench-serving-${process.pid}`;
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  await ensureServingStream(jsm, prefix);
  const variants: Variant[] = ['direct', 'stream', 'stream, two publishers'];
  const results = new Map<Variant, Figures[]>(variants.map((v) => [v, []]));
  console.log(
    `serving bench: ${n} results per run at ${rate}/s, ${runs} runs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  try {
    for (let run = 0; run < runs; run++) {
      const order = variants.map((_, i) => variants[(i + run) % variants.length]);
      for (const variant of order)
        results.get(variant)!.push(await measure(nc, prefix, variant, { run, n, rate }));
    }
  } finally {
    await jsm.streams.delete(servingStreamConfig(prefix).name!).catch(() => false);
    await nc.close();
  }
  const direct = median(results.get('direct')!.map((f) => f.p50));
  for (const variant of variants) {
    const figures = results.get(variant)!;
    const p50 = median(figures.map((f) => f.p50));
    const p99 = median(figures.map((f) => f.p99));
    const delivered = Math.min(...figures.map((f) => f.delivered));
    const duplicates = Math.max(...figures.map((f) => f.duplicates));
    console.log(
      `${variant.padEnd(24)} p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  p50 vs direct ${(p50 / direct).toFixed(2)}x  delivered min ${delivered}/${n}  duplicates max ${duplicates}`,
    );
  }
  console.log(
    `load at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
