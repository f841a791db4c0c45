import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@polis/contracts';
import { MetricsRegistry } from '../metrics';

/** Ingest counters, exported to Prometheus and read back for the statistics endpoint. */
@Injectable()
export class IngestMetrics {
  readonly received: Counter;
  readonly written: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly writeFailures: Counter;
  readonly batchSeconds: Histogram;
  readonly pending: Gauge;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.received = new Counter({
      name: 'polis_telemetry_received_total',
      help: 'Telemetry messages taken from the stream (redeliveries included)',
      registers,
    });
    this.written = new Counter({
      name: 'polis_telemetry_written_total',
      help: 'Valid readings written to InfluxDB',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'polis_telemetry_dead_lettered_total',
      help: 'Messages republished to the dead-letter subject, by reason',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of DEAD_LETTER_REASONS) this.deadLettered.inc({ reason }, 0);
    this.writeFailures = new Counter({
      name: 'polis_telemetry_write_failures_total',
      help: 'InfluxDB batch writes that failed and were retried',
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'polis_telemetry_batch_write_seconds',
      help: 'Duration of one successful InfluxDB batch write',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.pending = new Gauge({
      name: 'polis_telemetry_batch_pending',
      help: 'Valid readings waiting for the next batch write',
      registers,
    });
  }

  async snapshot(): Promise<{
    received: number;
    written: number;
    writeFailures: number;
    deadLettered: Record<DeadLetterReason, number>;
  }> {
    const single = async (counter: Counter) => (await counter.get()).values[0]?.value ?? 0;
    const byReason = Object.fromEntries(DEAD_LETTER_REASONS.map((r) => [r, 0])) as Record<
      DeadLetterReason,
      number
    >;
    for (const v of (await this.deadLettered.get()).values)
      byReason[v.labels.reason as DeadLetterReason] = v.value;
    return {
      received: await single(this.received),
      written: await single(this.written),
      writeFailures: await single(this.writeFailures),
      deadLettered: byReason,
    };
  }
}
