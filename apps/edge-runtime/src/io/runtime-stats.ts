import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { LatencyHistogram, type LatencySummary } from '@polis/inference';

export const ERROR_KINDS = [
  'inference',
  'malformedReading',
  'lateReading',
  'incompleteWindow',
  'publishDropped',
  'influxDropped',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Published every heartbeat interval on `<prefix>.heartbeat.<siteId>.<instance>`. Rates cover the interval. */
export interface Heartbeat {
  ts: number;
  instance: string;
  node: string;
  deploymentId: string;
  siteId: string;
  model: { name: string; version: string; sha256: string };
  ready: boolean;
  uptimeSeconds: number;
  intervalSeconds: number;
  throughput: {
    inferences: number;
    perSecond: number;
    batches: number;
    meanBatchSize: number;
    queued: number;
  };
  /** From the reading that completed a window to the outputs being ready, over the interval. */
  latencyMs: LatencySummary;
  /** session.run of one batch, over the interval. */
  inferenceMs: LatencySummary;
  errors: Record<ErrorKind, number>;
  totals: { inferences: number; errors: number };
  eventLoopLagMs: { p50: number; p99: number; max: number; mean: number };
  cpu: { processPercent: number; nodeLoad1: number; nodeCores: number };
  memory: { rssBytes: number; heapUsedBytes: number; nodeFreeBytes: number; nodeTotalBytes: number };
  nats: { connected: boolean; bufferedResults: number };
  sensors: number;
}

const zeroErrors = (): Record<ErrorKind, number> =>
  Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;

/** Counters for heartbeats: interval counts reset at each heartbeat, totals never. */
export class RuntimeStats {
  readonly latency = new LatencyHistogram();
  readonly inference = new LatencyHistogram();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly startedAt = performance.now();
  private intervalStart = performance.now();
  private cpuMark = process.cpuUsage();
  private inferences = 0;
  private batches = 0;
  private errors = zeroErrors();
  private totalInferences = 0;
  private totalErrors = 0;

  constructor() {
    this.loopDelay.enable();
  }

  recordBatch(rows: number, runMs: number, latenciesMs: readonly number[]): void {
    this.batches++;
    this.inferences += rows;
    this.totalInferences += rows;
    this.inference.record(runMs);
    for (const ms of latenciesMs) this.latency.record(ms);
  }

  count(kind: ErrorKind, n = 1): void {
    this.errors[kind] += n;
    this.totalErrors += n;
  }

  get totals(): { inferences: number; errors: number } {
    return { inferences: this.totalInferences, errors: this.totalErrors };
  }

  /** The interval's figures; starts a new interval. */
  takeInterval(): Pick<
    Heartbeat,
    | 'uptimeSeconds'
    | 'intervalSeconds'
    | 'latencyMs'
    | 'inferenceMs'
    | 'errors'
    | 'totals'
    | 'eventLoopLagMs'
    | 'cpu'
    | 'memory'
  > & { inferences: number; batches: number; perSecond: number } {
    const now = performance.now();
    const seconds = Math.max((now - this.intervalStart) / 1000, 1e-3);
    const cpu = process.cpuUsage(this.cpuMark);
    const memory = process.memoryUsage();
    const ns = 1e-6;
    const snapshot = {
      uptimeSeconds: (now - this.startedAt) / 1000,
      intervalSeconds: seconds,
      inferences: this.inferences,
      batches: this.batches,
      perSecond: this.inferences / seconds,
      latencyMs: this.latency.summary(),
      inferenceMs: this.inference.summary(),
      errors: this.errors,
      totals: this.totals,
      eventLoopLagMs: {
        p50: this.loopDelay.percentile(50) * ns,
        p99: this.loopDelay.percentile(99) * ns,
        max: this.loopDelay.max * ns,
        mean: Number.isNaN(this.loopDelay.mean) ? 0 : this.loopDelay.mean * ns,
      },
      cpu: {
        processPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
        nodeLoad1: loadavg()[0],
        nodeCores: cpus().length,
      },
      memory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        nodeFreeBytes: freemem(),
        nodeTotalBytes: totalmem(),
      },
    };
    this.intervalStart = now;
    this.cpuMark = process.cpuUsage();
    this.inferences = 0;
    this.batches = 0;
    this.errors = zeroErrors();
    this.latency.reset();
    this.inference.reset();
    this.loopDelay.reset();
    return snapshot;
  }

  close(): void {
    this.loopDelay.disable();
  }
}
