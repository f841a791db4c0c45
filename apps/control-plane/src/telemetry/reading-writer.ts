import { Injectable, Logger } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { Subject } from 'rxjs';
import type { TelemetryReading } from '@polis/contracts';
import { TelemetryStore } from '@polis/telemetry-store';
import { backoffDelayMs } from './backoff';
import { IngestMetrics } from './ingest.metrics';
import { SensorActivityService } from './sensor-activity.service';

export interface PendingReading {
  message: JsMsg;
  reading: TelemetryReading;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes validated batches to InfluxDB, resolving only once they are stored. While InfluxDB is down it
 * retries with backoff, telling JetStream the messages are still being worked on.
 */
@Injectable()
export class ReadingWriter {
  private readonly logger = new Logger(ReadingWriter.name);
  /** Readings as they are stored, for the live stream. */
  readonly stored$ = new Subject<TelemetryReading>();
  private healthy = true;
  private stopping = false;
  private schemaReady: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TelemetryStore,
    private readonly activity: SensorActivityService,
    private readonly metrics: IngestMetrics,
  ) {}

  get isInfluxHealthy(): boolean {
    return this.healthy;
  }

  start(): void {
    this.schemaReady = this.ensureSchemaEventually();
  }

  /** After this, a failing batch gives up (resolves false) and is left for JetStream to redeliver. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.schemaReady;
    this.stored$.complete();
  }

  /**
   * Resolves true once the batch is stored; false if it gave up, when stopping or when `givingUp` says so
   * (this instance no longer owns ingest): JetStream redelivers those messages.
   */
  async writeUntilStored(items: PendingReading[], givingUp: () => boolean = () => false): Promise<boolean> {
    const readings = items.map((i) => i.reading);
    for (let attempt = 0; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        await this.schemaReady;
        await this.store.write(readings);
        this.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        break;
      } catch (error) {
        this.metrics.writeFailures.inc();
        if (this.healthy) {
          this.logger.warn({
            event: 'influx-write-failed',
            err: (error as Error).message,
            batch: items.length,
          });
        }
        this.healthy = false;
        if (this.stopping || givingUp()) return false;
        for (const item of items) item.message.working();
        await sleep(backoffDelayMs(attempt, 100, 5_000, Math.random));
      }
    }
    if (!this.healthy) this.logger.log({ event: 'influx-write-recovered', batch: items.length });
    this.healthy = true;
    this.metrics.written.inc(items.length);
    const now = Date.now();
    for (const { reading } of items) {
      this.activity.record(reading, now);
      this.stored$.next(reading);
    }
    return true;
  }

  /** InfluxDB may be down when Polis starts: keep trying in the background; batches wait meanwhile. */
  private async ensureSchemaEventually(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.store.ensureSchema();
        return;
      } catch (error) {
        this.healthy = false;
        if (attempt === 0)
          this.logger.warn({ event: 'influx-schema-pending', err: (error as Error).message });
        await sleep(backoffDelayMs(attempt, 200, 5_000, Math.random));
      }
    }
  }
}
