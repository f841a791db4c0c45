import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, type ConsumerMessages, DeliverPolicy, nanos } from 'nats';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { IngestMetrics } from './ingest.metrics';
import { ReadingBatch } from './reading-batch';
import { type PendingReading, ReadingWriter } from './reading-writer';
import { TelemetryTriage } from './telemetry-triage';
import { ensureTelemetryStreams, type TelemetryStreamNames } from './telemetry-streams';

/** After a crash, JetStream redelivers what the dead instance held once this has passed. */
const ACK_WAIT_MS = 10_000;

/**
 * The durable JetStream consumer behind the sensor contract. A message is acked only after its batch is in
 * InfluxDB (or its dead letter is in the dead-letter stream), so an outage or a crash means redelivery, and a
 * redelivered reading overwrites its own point.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private names!: TelemetryStreamNames;
  private messages?: ConsumerMessages;
  private batch?: ReadingBatch<PendingReading>;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  /** Received but not yet added to the Prometheus counter: a per-message inc costs a measurable share of ingest. */
  private uncounted = 0;
  private stopping = false;

  constructor(
    private readonly nats: NatsClient,
    private readonly triage: TelemetryTriage,
    private readonly writer: ReadingWriter,
    private readonly metrics: IngestMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Bootstrap, not module init: the sensor-kind registry must be loaded before the first message is judged. */
  async onApplicationBootstrap(): Promise<void> {
    const { ingest, nats } = this.config;
    this.names = await ensureTelemetryStreams(this.nats.manager, nats.subjectPrefix);
    await this.ensureConsumer();
    this.writer.start();
    const batch = new ReadingBatch<PendingReading>(async (items) => {
      if (!(await this.writer.writeUntilStored(items))) return; // stopping: JetStream redelivers them
      for (const { message } of items) message.ack();
    }, ingest.maxWritesInFlight);
    this.batch = batch;
    const consumer = await this.nats.jetstream.consumers.get(this.names.telemetry, this.names.ingestConsumer);
    this.messages = await consumer.consume({ max_messages: ingest.batchSize * 2 });
    this.timer = setInterval(() => {
      this.publishCounters(batch);
      void batch.flush();
    }, ingest.flushMs);
    this.loop = this.run(this.messages, batch);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.messages?.close();
    await this.loop;
    await this.batch?.drain();
    await this.writer.stop();
  }

  private publishCounters(batch: ReadingBatch<PendingReading>): void {
    this.metrics.received.inc(this.uncounted);
    this.uncounted = 0;
    this.metrics.pending.set(batch.size);
  }

  async consumerLag(): Promise<{ pending: number; ackPending: number; redelivered: number }> {
    const info = await this.nats.manager.consumers.info(this.names.telemetry, this.names.ingestConsumer);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  }

  private async ensureConsumer(): Promise<void> {
    await this.nats.manager.consumers.add(this.names.telemetry, {
      durable_name: this.names.ingestConsumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: this.config.ingest.maxAckPending,
      max_deliver: -1,
    });
  }

  private async run(messages: ConsumerMessages, batch: ReadingBatch<PendingReading>): Promise<void> {
    for await (const message of messages) {
      this.uncounted += 1;
      const result = this.triage.judge(message, Date.now());
      if (!result.ok) {
        if (await this.triage.deadLetter(message, result, () => this.stopping)) message.ack();
        continue;
      }
      batch.push({ message, reading: result.reading });
      if (batch.size >= this.config.ingest.batchSize) await batch.flush();
    }
    this.publishCounters(batch);
  }
}
