import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from 'nats';
import type { ValidationFailure } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { IngestConsumers, IngestLeaseStore } from './ingest-consumer';
import { type IngestLease, LeaseWatch, nextLease } from './ingest-lease';
import { IngestMetrics } from './ingest.metrics';
import { ReadingBatch } from './reading-batch';
import { type PendingReading, ReadingWriter } from './reading-writer';
import { TelemetryTriage } from './telemetry-triage';
import { ensureTelemetryStreams, type TelemetryStreamNames } from './telemetry-streams';

/** A stand-by takes over a lease not renewed for this long (on its own clock). */
const LEASE_TTL_MS = 5_000;
const LEASE_RENEW_MS = 1_000;

type PendingMessage = PendingReading | { message: JsMsg; failure: ValidationFailure };

/** This instance's tenure as the one that ingests: its lease, consumer and batches. */
interface Tenure {
  lease: IngestLease;
  revision: number;
  batch: ReadingBatch<PendingMessage>;
  messages?: ConsumerMessages;
  /** Highest stream sequence acknowledged: an ack never goes backwards. */
  acked: number;
  lost: boolean;
}

export interface ConsumerLag {
  consumer: string | null;
  owner: string | null;
  ownedHere: boolean;
  pending: number;
  ackPending: number;
  redelivered: number;
}

/**
 * Telemetry ingest from the JetStream stream into InfluxDB. One instance at a time holds the ingest lease
 * and reads through a durable consumer of its own (see ingest-lease.ts); it acknowledges cumulatively, once
 * per stored batch, and only when every earlier batch is stored too (ReadingBatch), so an ack of sequence N
 * always means "everything up to N is stored". A crash or an outage therefore means redelivery, and a
 * redelivered reading overwrites its own point.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  readonly instance = randomUUID();
  private readonly watch = new LeaseWatch(LEASE_TTL_MS);
  private names!: TelemetryStreamNames;
  private leases!: IngestLeaseStore;
  private consumers!: IngestConsumers;
  private tenure?: Tenure;
  private ticking?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  /** Dead letters are stored one after another, in the order their messages arrived. */
  private deadLetterChain: Promise<unknown> = Promise.resolve();
  private finalAcks: Promise<unknown>[] = [];
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
    this.leases = await IngestLeaseStore.open(this.nats.jetstream, nats.subjectPrefix);
    this.consumers = new IngestConsumers(this.nats.manager, this.names.telemetry, ingest.maxAckPending);
    this.writer.start();
    this.timers = [
      setInterval(() => {
        this.publishCounters();
        this.tenure?.batch.flush();
      }, ingest.flushMs),
      setInterval(() => void this.tick(), LEASE_RENEW_MS),
    ];
    await this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    await this.ticking;
    const tenure = this.tenure;
    if (tenure) {
      await tenure.messages?.close();
      await tenure.batch.drain();
      await Promise.all(this.finalAcks);
      if (!tenure.lost) await this.release(tenure);
    }
    this.publishCounters();
    await this.writer.stop();
  }

  async consumerLag(): Promise<ConsumerLag> {
    const seen = await this.leases.read();
    const consumer = seen?.lease?.consumer ?? null;
    const lag = consumer
      ? await this.consumers.lag(consumer).catch(() => undefined)
      : { pending: 0, ackPending: 0, redelivered: 0 };
    return {
      consumer,
      owner: seen?.lease?.owner ?? null,
      ownedHere: this.tenure !== undefined,
      ...(lag ?? { pending: 0, ackPending: 0, redelivered: 0 }),
    };
  }

  /** One lease step at a time: renew when owning, else see whether the lease is free and take it. */
  private tick(): Promise<void> {
    this.ticking ??= this.keepLease()
      .catch((error: unknown) =>
        this.logger.warn({ event: 'ingest-lease-error', err: (error as Error).message }),
      )
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async keepLease(): Promise<void> {
    if (this.stopping) return;
    const tenure = this.tenure;
    if (tenure) {
      const revision = await this.leases.write({ revision: tenure.revision }, tenure.lease);
      if (revision === undefined) await this.endTenure(tenure, 'lease-taken');
      else tenure.revision = revision;
      return;
    }
    const seen = await this.leases.read();
    if (this.watch.isFree(seen, performance.now())) await this.takeOver(seen);
  }

  private async takeOver(seen: Awaited<ReturnType<IngestLeaseStore['read']>>): Promise<void> {
    const floor = await this.consumers.storedFloor(seen?.lease);
    const lease = nextLease(seen?.lease, this.instance, floor ?? 0);
    const revision = await this.leases.write(seen, lease);
    if (revision === undefined) return; // another instance took it first
    await this.consumers.createFor(lease);
    const tenure: Tenure = {
      lease,
      revision,
      acked: lease.startFloor,
      lost: false,
      batch: new ReadingBatch<PendingMessage>(
        (items) => this.store(tenure, items),
        { batchSize: this.config.ingest.batchSize, maxInFlight: this.config.ingest.maxWritesInFlight },
        (last) => this.acknowledge(tenure, last.message),
      ),
    };
    this.tenure = tenure;
    const consumer = await this.nats.jetstream.consumers.get(this.names.telemetry, lease.consumer);
    tenure.messages = await consumer.consume({
      max_messages: this.config.ingest.batchSize * 2,
      callback: (message) => this.receive(tenure, message),
    });
    void tenure.messages.closed().then(async (error) => {
      if (this.tenure !== tenure || this.stopping) return;
      // Closed under us (consumer removed by hand, say): give the lease back so a fresh consumer is made.
      await this.endTenure(tenure, 'consumer-closed', error?.message);
      await this.release(tenure);
    });
    this.logger.log({ event: 'ingest-lease-taken', epoch: lease.epoch, startFloor: lease.startFloor });
  }

  /** Synchronous, in the NATS client's callback: judge and batch; writes start from the batch. */
  private receive(tenure: Tenure, message: JsMsg): void {
    this.uncounted += 1;
    const result = this.triage.judge(message, Date.now());
    tenure.batch.push(result.ok ? { message, reading: result.reading } : { message, failure: result });
  }

  /** The batch's sink: true once its readings are in InfluxDB and its dead letters in their stream. */
  private async store(tenure: Tenure, items: PendingMessage[]): Promise<boolean> {
    const readings: PendingReading[] = [];
    const failures: Extract<PendingMessage, { failure: ValidationFailure }>[] = [];
    for (const item of items) {
      if ('reading' in item) readings.push(item);
      else failures.push(item);
    }
    const givingUp = () => this.stopping || tenure.lost;
    const deadLettered = failures.length === 0 ? true : this.deadLetterInOrder(failures, givingUp);
    const written = readings.length === 0 ? true : this.writer.writeUntilStored(readings, givingUp);
    const [w, d] = await Promise.all([written, deadLettered]);
    return w && d;
  }

  private deadLetterInOrder(
    failures: { message: JsMsg; failure: ValidationFailure }[],
    givingUp: () => boolean,
  ): Promise<boolean> {
    const run = this.deadLetterChain.then(async () => {
      for (const { message, failure } of failures) {
        if (!(await this.triage.deadLetter(message, failure, givingUp))) return false;
      }
      return true;
    });
    this.deadLetterChain = run.catch(() => false);
    return run;
  }

  /** Acks `message` and, with AckPolicy.All, everything before it on this consumer: all of it is stored. */
  private acknowledge(tenure: Tenure, message: JsMsg): void {
    if (tenure.lost) return;
    const seq = message.seq; // the last of a batch can be a redelivery of an older message: never go back
    if (seq <= tenure.acked) return;
    tenure.acked = seq;
    if (this.stopping) this.finalAcks.push(message.ackAck().catch(() => false));
    else message.ack();
  }

  private async endTenure(tenure: Tenure, reason: string, detail?: string): Promise<void> {
    if (this.tenure === tenure) this.tenure = undefined;
    tenure.lost = true;
    tenure.batch.abandon();
    await tenure.messages?.close().catch(() => undefined);
    this.logger.warn({ event: 'ingest-lease-lost', reason, detail, epoch: tenure.lease.epoch });
  }

  /** Hands the lease over at once instead of after a TTL; the next owner starts above this consumer's floor. */
  private async release(tenure: Tenure): Promise<void> {
    await this.leases
      .write({ revision: tenure.revision }, { ...tenure.lease, owner: null })
      .catch((error: unknown) =>
        this.logger.warn({ event: 'ingest-lease-release-failed', err: (error as Error).message }),
      );
  }

  private publishCounters(): void {
    this.metrics.received.inc(this.uncounted);
    this.uncounted = 0;
    this.metrics.pending.set(this.tenure?.batch.size ?? 0);
  }
}
