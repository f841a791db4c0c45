import { telemetrySubject } from '@polis/contracts';
import type { Logger } from 'pino';
import { encodeTelemetryPayload, sampleCity, sensorKey, type City } from '../simulation';
import { isValidSubjectPrefix } from './subject-prefix';
import { nextTickAt, simulatedIntervalMs, simulatedTimeAt, type CompressedClock } from './sim-clock';

/** The part of a NATS connection the publisher uses (core publish; JetStream captures the subjects). */
export interface TelemetrySink {
  publish(subject: string, payload: Uint8Array): void;
}

export interface WallClock {
  now(): number;
}

export const systemClock: WallClock = { now: () => Date.now() };

export interface CityPublisherOptions {
  city: City;
  subjectPrefix: string;
  /** Wall-clock time between two readings of a sensor. */
  intervalMs: number;
  /** Simulated ms per wall-clock ms. */
  speed: number;
  /** Where the simulated clock starts; default: the wall-clock time of `start()`. */
  simStartMs?: number;
  /**
   * `simulated` stamps readings with the simulated clock, so a compressed replay started in the past fills
   * models' time windows at the compressed pace; it never stamps past the wall clock (the contract refuses
   * readings from the future). Default `wall`.
   */
  timestamps?: 'wall' | 'simulated';
  summaryIntervalMs: number;
}

export interface CityPublisherDeps {
  sink: TelemetrySink;
  logger: Logger;
  clock?: WallClock;
}

export interface PublisherStats {
  ticks: number;
  messagesSent: number;
  publishErrors: number;
  /** Keys (`<siteId>/<sensorId>`) of the sensors in an outage at the last tick. */
  offlineSensors: string[];
  lastSimulatedMs: number | undefined;
}

const LISTED_OFFLINE_SENSORS = 10;

/** Publishes every online sensor of the city once per interval, on a drift-free wall-clock grid. */
export class CityPublisher {
  private readonly clock: WallClock;
  private readonly subjects: ReadonlyMap<string, string>;
  private compressed: CompressedClock | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private offline = new Set<string>();
  private sentAtLastSummary = 0;
  private readonly counters = { ticks: 0, messagesSent: 0, publishErrors: 0 };
  private lastSimulatedMs: number | undefined;

  constructor(
    private readonly options: CityPublisherOptions,
    private readonly deps: CityPublisherDeps,
  ) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    if (!(options.speed > 0)) throw new RangeError(`speed must be > 0, got ${options.speed}`);
    if (!(options.summaryIntervalMs > 0)) {
      throw new RangeError(`summaryIntervalMs must be > 0, got ${options.summaryIntervalMs}`);
    }
    if (!isValidSubjectPrefix(options.subjectPrefix)) {
      throw new RangeError(
        `subjectPrefix "${options.subjectPrefix}" must be dot-separated tokens of [a-z0-9-]`,
      );
    }
    this.clock = deps.clock ?? systemClock;
    // Built once: also checks every site and sensor id against the subject contract before anything is sent.
    this.subjects = new Map(
      options.city.sensors.map((s) => [
        s.key,
        telemetrySubject(options.subjectPrefix, {
          siteId: s.siteId,
          sensorKind: s.kind,
          sensorId: s.sensorId,
        }),
      ]),
    );
  }

  get running(): boolean {
    return this.compressed !== undefined;
  }

  start(): void {
    if (this.compressed) throw new Error('publisher already started');
    const wallStartMs = this.clock.now();
    this.compressed = {
      wallStartMs,
      simStartMs: this.options.simStartMs ?? wallStartMs,
      speed: this.options.speed,
    };
    this.summaryTimer = setInterval(() => this.logSummary(), this.options.summaryIntervalMs);
    this.tick();
    this.scheduleNextTick();
  }

  /** Stops publishing and logs a final summary; draining the connection is the owner's job. */
  stop(): void {
    if (!this.compressed) return;
    clearTimeout(this.tickTimer);
    clearInterval(this.summaryTimer);
    this.tickTimer = undefined;
    this.summaryTimer = undefined;
    this.compressed = undefined;
    this.logSummary();
  }

  stats(): PublisherStats {
    return { ...this.counters, offlineSensors: [...this.offline], lastSimulatedMs: this.lastSimulatedMs };
  }

  private scheduleNextTick(): void {
    if (!this.compressed) return;
    const now = this.clock.now();
    const due = nextTickAt(this.compressed.wallStartMs, this.options.intervalMs, now);
    this.tickTimer = setTimeout(() => {
      this.tick();
      this.scheduleNextTick();
    }, due - now);
  }

  private tick(): void {
    if (!this.compressed) return;
    const wallMs = this.clock.now();
    const simMs = simulatedTimeAt(this.compressed, wallMs);
    const sample = sampleCity(
      this.options.city,
      simMs,
      simulatedIntervalMs(this.options.intervalMs, this.options.speed),
    );
    this.counters.ticks += 1;
    this.lastSimulatedMs = simMs;
    this.trackOutages(new Set(sample.offline.map((s) => s.key)), simMs);

    const stampMs = this.options.timestamps === 'simulated' ? Math.min(simMs, wallMs) : wallMs;
    let failed = 0;
    let firstError: unknown;
    for (const reading of sample.readings) {
      const subject = this.subjects.get(sensorKey(reading.siteId, reading.sensorId));
      if (!subject) continue; // cannot happen: every sensor of the city got a subject in the constructor
      try {
        this.deps.sink.publish(subject, encodeTelemetryPayload(stampMs, reading.values));
        this.counters.messagesSent += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error;
      }
    }
    if (failed > 0) {
      this.counters.publishErrors += failed;
      this.deps.logger.warn({ err: firstError, failed }, 'publish failed');
    }
  }

  private trackOutages(nowOffline: Set<string>, simMs: number): void {
    const simulatedTime = new Date(simMs).toISOString();
    for (const key of nowOffline) {
      if (!this.offline.has(key)) this.deps.logger.debug({ sensor: key, simulatedTime }, 'sensor offline');
    }
    for (const key of this.offline) {
      if (!nowOffline.has(key)) this.deps.logger.debug({ sensor: key, simulatedTime }, 'sensor back online');
    }
    this.offline = nowOffline;
  }

  private logSummary(): void {
    const offline = [...this.offline];
    this.deps.logger.info(
      {
        messagesSent: this.counters.messagesSent,
        messagesSinceLastSummary: this.counters.messagesSent - this.sentAtLastSummary,
        publishErrors: this.counters.publishErrors,
        sensors: this.options.city.sensors.length,
        sensorsOffline: offline.length,
        offline: offline.slice(0, LISTED_OFFLINE_SENSORS),
        simulatedTime:
          this.lastSimulatedMs === undefined ? undefined : new Date(this.lastSimulatedMs).toISOString(),
      },
      'city-sim summary',
    );
    this.sentAtLastSummary = this.counters.messagesSent;
  }
}
