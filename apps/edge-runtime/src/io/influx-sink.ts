import type { InferenceResult, TelemetryReading } from '@polis/contracts';
import type { TelemetryStore } from '@polis/telemetry-store';
import type { Logger } from 'pino';

const FLUSH_MS = 1000;
const MAX_BATCH = 1000;
const MAX_PENDING = 20_000;

/** `inference-<model>`: the measurement, so results are read like telemetry of a kind (GET series?kind=). */
export function inferenceMeasurement(modelName: string): string {
  return `inference-${modelName}`;
}

/**
 * One InfluxDB point per result: tags site and sensor (as readingToLine writes them), fields the outputs (a vector
 * output becomes `<name>_<label or index>`) plus latencyMs. InfluxDB fields are numbers or strings of one
 * type per series, so the version is not stored here; it is on the published InferenceResult.
 */
export function resultToReading(
  result: InferenceResult,
  modelName: string,
  labels: Record<string, string[]>,
): TelemetryReading {
  const values: Record<string, number> = { latencyMs: result.latencyMs };
  for (const [name, output] of Object.entries(result.outputs)) {
    if (output.length === 1) values[name] = output[0];
    else output.forEach((v, i) => (values[`${name}_${labels[name]?.[i] ?? i}`] = v));
  }
  return {
    siteId: result.siteId,
    sensorKind: inferenceMeasurement(modelName),
    sensorId: result.sensorId ?? 'site',
    ts: result.ts,
    values,
  };
}

/** Batches results into InfluxDB; never blocks inference: a failed write is logged, counted and dropped. */
export class InfluxSink {
  private pending: TelemetryReading[] = [];
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  written = 0;
  dropped = 0;

  constructor(
    private readonly store: TelemetryStore,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  add(reading: TelemetryReading): void {
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push(reading);
    if (this.pending.length >= MAX_BATCH) void this.flush();
  }

  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const batch = this.pending.splice(0, MAX_BATCH);
      if (batch.length === 0) return;
      try {
        await this.store.write(batch);
        this.written += batch.length;
      } catch (error) {
        this.dropped += batch.length;
        this.logger.warn({ err: error, points: batch.length }, 'influx write failed, results dropped');
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    while (this.pending.length > 0) await this.flush();
    await this.writing;
  }
}
