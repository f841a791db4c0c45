import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry, QueuedIterator } from 'nats';
import { BUILTIN_SENSOR_KINDS, type SensorKind, sensorKindSchema } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { PolisError, parseStoredJson, throwIfDependencyDown } from '../common';
import { NatsClient } from '../nats';

export interface StoredSensorKind {
  kind: SensorKind;
  revision: number;
  builtin: boolean;
}

const BUILTIN_NAMES = new Set(BUILTIN_SENSOR_KINDS.map((k) => k.name));

/**
 * Sensor kinds live in a JetStream key-value bucket so that a kind added through the API is known to
 * every control-plane instance (and survives restarts) without a code change. Reads are served from a
 * cache the bucket's watch keeps current, so ingest never waits on NATS to look a kind up.
 */
@Injectable()
export class SensorKindRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SensorKindRegistry.name);
  private readonly cache = new Map<string, StoredSensorKind>();
  private kv!: KV;
  private watch?: QueuedIterator<KvEntry>;

  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(`${this.config.nats.subjectPrefix}_sensor_kinds`, {
      history: 5,
    });
    for (const kind of BUILTIN_SENSOR_KINDS) {
      try {
        await this.kv.create(kind.name, Buffer.from(JSON.stringify(kind)));
      } catch {
        // Already seeded (by this or another instance): an operator's later edit is kept.
      }
    }
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    // initializedFn fires once the watch has replayed every current value: the cache is then complete.
    this.watch = await this.kv.watch({ key: '>', initializedFn: () => markReady() });
    void this.follow(this.watch);
    await ready;
  }

  async onModuleDestroy(): Promise<void> {
    this.watch?.stop();
  }

  get(name: string): SensorKind | undefined {
    return this.cache.get(name)?.kind;
  }

  describe(name: string): StoredSensorKind {
    const stored = this.cache.get(name);
    if (!stored) throw new PolisError('not-found', `sensor kind "${name}" is not registered`);
    return stored;
  }

  list(): StoredSensorKind[] {
    return [...this.cache.values()].sort((a, b) => a.kind.name.localeCompare(b.kind.name));
  }

  async create(input: unknown): Promise<StoredSensorKind> {
    const kind = this.parse(input);
    try {
      const revision = await this.kv.create(kind.name, Buffer.from(JSON.stringify(kind)));
      return this.remember(kind, revision);
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError('conflict', `sensor kind "${kind.name}" already exists`, undefined, {
        cause: error,
      });
    }
  }

  /** Optimistic concurrency: the caller names the revision it read, and loses if someone wrote since. */
  async update(name: string, input: unknown, expectedRevision: number): Promise<StoredSensorKind> {
    const kind = this.parse(input);
    if (kind.name !== name)
      throw new PolisError('invalid-input', `body names "${kind.name}", path names "${name}"`);
    this.describe(name);
    try {
      const revision = await this.kv.update(name, Buffer.from(JSON.stringify(kind)), expectedRevision);
      return this.remember(kind, revision);
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError(
        'conflict',
        `sensor kind "${name}" changed since revision ${expectedRevision}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  async remove(name: string): Promise<void> {
    this.describe(name);
    if (BUILTIN_NAMES.has(name))
      throw new PolisError('forbidden', `built-in sensor kind "${name}" cannot be removed`);
    await this.kv.delete(name);
    this.cache.delete(name);
  }

  private parse(input: unknown): SensorKind {
    const parsed = sensorKindSchema.safeParse(input);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new PolisError(
      'invalid-input',
      problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      problems,
    );
  }

  private remember(kind: SensorKind, revision: number): StoredSensorKind {
    const stored = { kind, revision, builtin: BUILTIN_NAMES.has(kind.name) };
    const current = this.cache.get(kind.name);
    if (!current || current.revision < revision) this.cache.set(kind.name, stored);
    return stored;
  }

  private async follow(watch: QueuedIterator<KvEntry>): Promise<void> {
    for await (const entry of watch) {
      if (entry.operation === 'DEL' || entry.operation === 'PURGE') {
        this.cache.delete(entry.key);
        continue;
      }
      const parsed = sensorKindSchema.safeParse(parseStoredJson(entry.string()));
      if (parsed.success) this.remember(parsed.data, entry.revision);
      else
        this.logger.warn({ event: 'bad-sensor-kind-entry', key: entry.key }, 'ignored invalid sensor kind');
    }
  }
}
