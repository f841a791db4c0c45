import { performance } from 'node:perf_hooks';
import { decisionMessageId, heartbeatSubject, resultMessageId, type InferenceResult } from '@polis/contracts';
import {
  assembleWindow,
  decide,
  parseReading,
  SensorWindows,
  SiteContext,
  type Decision,
} from '@polis/inference';
import { TelemetryStore } from '@polis/telemetry-store';
import { connect, Events, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { Logger } from 'pino';
import { HubClient } from './artifacts/hub-client';
import { ModelCache } from './artifacts/model-cache';
import { resolveModel, type ModelRequest } from './artifacts/model-source';
import type { RuntimeConfig } from './config/config';
import { controlSubject, parseSwitchRequest, type SwitchReply } from './control';
import { startHealthServer, type HealthServer } from './io/health-server';
import { InfluxSink, resultToReading } from './io/influx-sink';
import { ResultPublisher } from './io/result-publisher';
import { RuntimeStats, type Heartbeat } from './io/runtime-stats';
import {
  describeExecution,
  type BatchReport,
  type ModelGeneration,
  type WindowJob,
} from './pipeline/model-generation';
import { builtinAggregation, startGeneration, type GenerationSettings } from './pipeline/start-generation';
import { TelemetryAddresses } from './pipeline/telemetry-addresses';

const RETRY_MS = 2000;
const encoder = new TextEncoder();

/**
 * The edge runtime of one model on one site: loads the model (cache, else hub), feeds it windows built from
 * the site's telemetry, publishes results and decisions, and answers health probes and version switches.
 */
export class EdgeRuntime {
  private nc: NatsConnection | undefined;
  private connected = false;
  private readonly connecting: Promise<NatsConnection>;
  private generation: ModelGeneration | undefined;
  private windows: SensorWindows | undefined;
  private readonly context: SiteContext;
  private readonly cache: ModelCache;
  private readonly publisher: ResultPublisher;
  private readonly stats = new RuntimeStats();
  private readonly influx: InfluxSink | undefined;
  private readonly subscriptions: Subscription[] = [];
  private readonly settings: GenerationSettings;
  private switching: Promise<unknown> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private health: HealthServer | undefined;
  private stopped = false;
  private droppedBefore = { publish: 0, influx: 0 };
  private readonly loaded: Promise<void>;
  private readonly addresses: TelemetryAddresses;

  private constructor(
    readonly config: RuntimeConfig,
    private readonly logger: Logger,
  ) {
    this.cache = new ModelCache(config.cacheDir);
    this.addresses = new TelemetryAddresses(config.subjectPrefix);
    this.publisher = new ResultPublisher(config.resultBufferSize);
    this.context = new SiteContext(config.contextDefaults);
    this.settings = {
      sessionWorkers: config.sessionWorkers,
      intraOpThreads: config.intraOpThreads,
      batching: config.batching,
      decisionPolicy: config.decisionPolicy,
      aggregationOf: (field) => config.fieldAggregation[field] ?? builtinAggregation(field),
      contextNames: Object.keys(config.contextDefaults),
      inlineBudgetMs: config.inlineBudgetUs / 1000,
    };
    if (config.influxUrl) {
      const store = new TelemetryStore({
        url: config.influxUrl,
        rawRetention: '30d',
        rollupRetention: '365d',
      });
      this.influx = new InfluxSink(store, logger);
    }
    // Reconnect forever, including before the first connection: a site outlives hub outages.
    this.connecting = connect({
      servers: config.natsServers,
      name: `polis-edge-runtime-${config.instance}`,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 500,
    });
    this.loaded = this.loadInitialModel();
  }

  /** Starts serving health at once; the model loads and NATS connects in the background. */
  static async start(config: RuntimeConfig, logger: Logger): Promise<EdgeRuntime> {
    const runtime = new EdgeRuntime(config, logger);
    runtime.health = await startHealthServer(config.http, () => runtime.readiness());
    runtime.connecting.then(
      (nc) => runtime.onConnected(nc),
      (error: unknown) => logger.error({ err: error }, 'NATS connection failed for good'),
    );
    runtime.loaded.then(
      () => runtime.subscribeWhenReady(),
      (error: unknown) => logger.fatal({ err: error }, 'model could not be loaded'),
    );
    return runtime;
  }

  get httpPort(): number {
    return this.health?.port ?? 0;
  }

  get modelVersion(): string | undefined {
    return this.generation?.version;
  }

  /** How the serving version runs its batches (inline or worker threads), from the costs measured at load. */
  get execution(): Record<string, unknown> | undefined {
    return this.generation && describeExecution(this.generation);
  }

  /** Resolves once a model is loaded and serving. */
  whenReady(): Promise<void> {
    return this.loaded;
  }

  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    return {
      ready: this.generation !== undefined && !this.stopped,
      detail: {
        model: this.config.modelName,
        version: this.generation?.version ?? null,
        natsConnected: this.connected,
      },
    };
  }

  /** Stops taking telemetry, finishes and publishes every window in flight, then closes everything. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    for (const sub of this.subscriptions) sub.unsubscribe();
    await this.switching.catch(() => undefined);
    await this.generation?.retire();
    await this.influx?.close();
    if (this.nc && !this.nc.isClosed()) {
      await this.nc.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'NATS drain failed'));
    } else {
      // Still dialling: close the connection if it ever comes up.
      void this.connecting.then((nc) => nc.close()).catch(() => undefined);
    }
    await this.health?.close();
    this.stats.close();
  }

  private request(version: string, sha256?: string): ModelRequest {
    return { name: this.config.modelName, version, ...(sha256 === undefined ? {} : { sha256 }) };
  }

  private hub = async (): Promise<HubClient> =>
    new HubClient(await this.connecting, this.config.subjectPrefix);

  private async loadInitialModel(): Promise<void> {
    const request = this.request(this.config.modelVersion, this.config.artifactSha256);
    for (;;) {
      try {
        const model = await resolveModel(request, this.cache, this.hub);
        const generation = await startGeneration(model, this.settings, this.hooks());
        if (this.stopped) {
          await generation.retire();
          return;
        }
        this.generation = generation;
        this.windows = new SensorWindows(generation.plan, this.settings.aggregationOf);
        this.logger.info(
          {
            model: request.name,
            version: request.version,
            from: model.from,
            ...describeExecution(generation),
          },
          'model loaded',
        );
        return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: error, retryMs: RETRY_MS }, 'model not loaded yet, retrying');
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  private onConnected(nc: NatsConnection): void {
    if (this.stopped) return;
    this.nc = nc;
    this.connected = true;
    this.publisher.connected(nc);
    this.logger.info('NATS connected');
    void this.watchStatus(nc);
    this.subscribeWhenReady();
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        this.publisher.disconnected();
        this.logger.warn('NATS disconnected; serving on, results buffered');
      } else if (status.type === Events.Reconnect) {
        this.connected = true;
        this.publisher.connected(nc);
        this.logger.info({ buffered: this.publisher.buffered }, 'NATS reconnected');
      }
    }
  }

  /** Subscriptions need both a connection and a model; whichever comes second calls this with effect. */
  private subscribeWhenReady(): void {
    const { nc, generation } = this;
    if (!nc || !generation || this.subscriptions.length > 0 || this.stopped) return;
    const { subjectPrefix: prefix, siteId, modelName } = this.config;
    const telemetry = this.config.subscribeSubjects ?? [
      `${prefix}.telemetry.${siteId}.${generation.plan.sensorKind}.*`,
    ];
    for (const subject of telemetry) {
      this.subscriptions.push(
        nc.subscribe(subject, {
          queue: this.config.queueGroup,
          callback: (_e, msg) => this.onTelemetry(msg),
        }),
      );
    }
    // Context is site-wide: every replica needs every value, so no queue group.
    for (const kind of this.config.contextSensorKinds) {
      this.subscriptions.push(
        nc.subscribe(`${prefix}.telemetry.${siteId}.${kind}.*`, {
          callback: (_e, msg) => this.onContext(msg),
        }),
      );
    }
    this.subscriptions.push(
      nc.subscribe(controlSubject(prefix, siteId, modelName), { callback: (_e, msg) => this.onControl(msg) }),
    );
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.config.heartbeatIntervalMs);
    this.logger.info({ telemetry, queue: this.config.queueGroup }, 'subscribed');
  }

  private onContext(msg: Msg): void {
    const parsed = parseReading(msg.data);
    if (parsed.ok) this.context.update(parsed.reading.values);
    else this.stats.count('malformedReading');
  }

  private onTelemetry(msg: Msg): void {
    const receivedAt = performance.now();
    const { generation, windows } = this;
    if (!generation || !windows) return;
    const address = this.addresses.parse(msg.subject);
    if (!address.ok || address.address.siteId !== this.config.siteId) return;
    if (address.address.sensorKind !== windows.sensorKind) return;
    const parsed = parseReading(msg.data);
    if (!parsed.ok) {
      this.stats.count('malformedReading');
      return;
    }
    const outcome = windows.observe(address.address.sensorId, parsed.reading.ts, parsed.reading.values);
    if (outcome.kind === 'late') this.stats.count('lateReading');
    if (outcome.kind !== 'window') return;
    const assembled = assembleWindow(generation.plan, outcome.intervals, (name) =>
      this.context.valueOf(name),
    );
    if (!assembled.ok) {
      this.stats.count('incompleteWindow');
      this.logger.debug({ sensor: address.address.sensorId, reason: assembled.detail }, 'window skipped');
      return;
    }
    const job: WindowJob = { sensorId: address.address.sensorId, ...assembled.window, receivedAt };
    generation.enqueue(job);
  }

  private hooks() {
    return {
      onBatch: (report: BatchReport) => this.onBatch(report),
      onBatchError: (generation: ModelGeneration, jobs: readonly WindowJob[], error: Error) => {
        this.stats.count('inference', jobs.length);
        this.logger.error({ err: error, version: generation.version, rows: jobs.length }, 'inference failed');
      },
      onWorkerLost: (error: Error | undefined) =>
        this.logger.error(
          { err: error },
          error ? 'session worker could not be replaced' : 'session worker lost',
        ),
    };
  }

  private onBatch({ generation, completed, runMs }: BatchReport): void {
    const now = performance.now();
    const { siteId, modelName, servingSubjects } = this.config;
    const latencies: number[] = [];
    for (const { job, outputs } of completed) {
      const latencyMs = now - job.receivedAt;
      latencies.push(latencyMs);
      const result: InferenceResult = {
        ts: job.ts,
        modelVersion: generation.version,
        siteId,
        sensorId: job.sensorId,
        outputs,
        latencyMs,
      };
      // One result per window, whoever else serves this site: the window's id lets the serving stream drop copies.
      const window = { siteId, modelName, sensorId: job.sensorId, windowTs: job.ts };
      this.publisher.publish(
        servingSubjects.inference,
        encoder.encode(JSON.stringify(result)),
        resultMessageId(window),
      );
      for (const action of decide(generation.rules, outputs)) {
        const decision: Decision = {
          ts: job.ts,
          siteId,
          sensorId: job.sensorId,
          modelName,
          modelVersion: generation.version,
          action,
        };
        this.publisher.publish(
          servingSubjects.decision,
          encoder.encode(JSON.stringify(decision)),
          decisionMessageId(window, action),
        );
      }
      this.influx?.add(resultToReading(result, modelName, outputLabels(generation)));
    }
    this.stats.recordBatch(completed.length, runMs, latencies);
  }

  private onControl(msg: Msg): void {
    const request = parseSwitchRequest(msg.data);
    const reply = (body: SwitchReply): void => {
      if (msg.reply) msg.respond(encoder.encode(JSON.stringify(body)));
    };
    if ('error' in request) {
      reply({ ok: false, instance: this.config.instance, version: '', error: request.error });
      return;
    }
    // One switch at a time, in arrival order.
    this.switching = this.switching.then(async () =>
      reply(await this.switchTo(request.version, request.sha256)),
    );
  }

  /**
   * Loads the version in new workers, then swaps the generation that takes new windows (one synchronous
   * assignment: every window goes to exactly one generation), then lets the old one finish its queue and
   * in-flight batches before its workers close. Any failure leaves the current version serving.
   */
  private async switchTo(version: string, sha256?: string): Promise<SwitchReply> {
    const instance = this.config.instance;
    const current = this.generation;
    if (!current || !this.windows || this.stopped) {
      return { ok: false, instance, version, error: 'runtime is not serving' };
    }
    if (current.version === version && (sha256 === undefined || current.record.sha256 === sha256)) {
      return { ok: true, instance, version, previousVersion: version, from: 'current' };
    }
    try {
      const model = await resolveModel(this.request(version, sha256), this.cache, this.hub);
      const next = await startGeneration(model, this.settings, this.hooks());
      if (next.plan.sensorKind !== current.plan.sensorKind) {
        await next.retire();
        throw new Error(
          `${version} reads ${next.plan.sensorKind}, this deployment subscribes to ${current.plan.sensorKind}`,
        );
      }
      this.windows.use(next.plan);
      this.generation = next;
      this.logger.info(
        { from: current.version, to: version, queued: current.queued, ...describeExecution(next) },
        'version switched, draining old',
      );
      await current.retire();
      return { ok: true, instance, version, previousVersion: current.version, from: model.from };
    } catch (error) {
      this.logger.warn({ err: error, version }, 'version switch refused');
      return { ok: false, instance, version, error: (error as Error).message };
    }
  }

  private heartbeat(): void {
    const generation = this.generation;
    if (!this.nc || !this.connected || !generation) return;
    const interval = this.stats.takeInterval();
    const { inferences, batches, perSecond, ...rest } = interval;
    // The sinks count drops since start; the heartbeat reports the interval's share.
    const dropped = { publish: this.publisher.dropped, influx: this.influx?.dropped ?? 0 };
    rest.errors.publishDropped = dropped.publish - this.droppedBefore.publish;
    rest.errors.influxDropped = dropped.influx - this.droppedBefore.influx;
    this.droppedBefore = dropped;
    const beat: Heartbeat = {
      ts: Date.now(),
      instance: this.config.instance,
      node: this.config.nodeName,
      deploymentId: this.config.deploymentId,
      siteId: this.config.siteId,
      model: { name: this.config.modelName, version: generation.version, sha256: generation.record.sha256 },
      ready: this.readiness().ready,
      ...rest,
      throughput: {
        inferences,
        perSecond,
        batches,
        meanBatchSize: batches === 0 ? 0 : inferences / batches,
        queued: generation.queued,
      },
      nats: { connected: this.connected, bufferedResults: this.publisher.buffered },
      sensors: this.windows?.sensors ?? 0,
    };
    const subject = heartbeatSubject(this.config.subjectPrefix, this.config.siteId, this.config.instance);
    this.nc.publish(subject, encoder.encode(JSON.stringify(beat)));
  }
}

function outputLabels(generation: ModelGeneration): Record<string, string[]> {
  return Object.fromEntries(
    generation.record.metadata.outputs.flatMap((o) => (o.labels ? [[o.name, o.labels]] : [])),
  );
}
