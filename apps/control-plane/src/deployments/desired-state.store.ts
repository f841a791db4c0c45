import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry, QueuedIterator } from 'nats';
import { Observable, Subject } from 'rxjs';
import { PolisError, parseStoredJson, throwIfDependencyDown } from '../common';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { DeploymentEvents } from './deployment-events';
import {
  deploymentIdSchema,
  MAX_HISTORY,
  storedDeploymentSchema,
  type DeploymentHistoryEntry,
  type DeploymentRecord,
  type DeploymentSpecBody,
  type StoredDeployment,
} from './deployment.schema';

const CAS_ATTEMPTS = 5;

export function deploymentBucket(prefix: string): string {
  return `${prefix}_deployments`;
}

/**
 * The desired state of every deployment, in a JetStream key-value bucket (one key per deployment id): all
 * control-plane instances see the same deployments, and the bucket revision is the If-Match value. Reads
 * come from a cache the bucket's watch keeps current; `changes$` tells the reconciler to look again.
 */
@Injectable()
export class DesiredStateStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DesiredStateStore.name);
  private readonly cache = new Map<string, DeploymentRecord>();
  private readonly changed = new Subject<string>();
  private kv!: KV;
  private watch?: QueuedIterator<KvEntry>;
  /** Ids of the deployments that changed (created, updated or deleted). */
  readonly changes$: Observable<string> = this.changed.asObservable();

  constructor(
    private readonly nats: NatsClient,
    private readonly events: DeploymentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(deploymentBucket(this.config.nats.subjectPrefix), {
      history: 10,
      description: 'Polis deployments: desired state',
    });
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    this.watch = await this.kv.watch({ key: '>', initializedFn: () => markReady() });
    void this.follow(this.watch);
    await ready;
  }

  onModuleDestroy(): void {
    this.watch?.stop();
  }

  list(): DeploymentRecord[] {
    return [...this.cache.values()].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  }

  find(id: string): DeploymentRecord | undefined {
    return this.cache.get(id);
  }

  get(id: string): DeploymentRecord {
    const record = this.cache.get(id);
    if (!record) throw new PolisError('not-found', `deployment "${id}" does not exist`);
    return record;
  }

  async create(spec: DeploymentSpecBody): Promise<DeploymentRecord> {
    if (this.cache.has(spec.id)) throw new PolisError('conflict', `deployment "${spec.id}" already exists`);
    const now = new Date().toISOString();
    const stored: StoredDeployment = { spec, createdAt: now, updatedAt: now, history: [] };
    try {
      const revision = await this.kv.create(spec.id, encode(stored));
      return this.remember(stored, revision);
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError('conflict', `deployment "${spec.id}" already exists`, undefined, { cause: error });
    }
  }

  async replace(spec: DeploymentSpecBody, expectedRevision: number): Promise<DeploymentRecord> {
    const { id } = spec;
    const current = this.get(id);
    if (current.revision !== expectedRevision)
      throw new PolisError(
        'conflict',
        `deployment "${id}" is at revision ${current.revision}, not ${expectedRevision}`,
      );
    const stored: StoredDeployment = {
      spec,
      createdAt: current.createdAt,
      updatedAt: new Date().toISOString(),
      history: current.history,
    };
    try {
      const revision = await this.kv.update(id, encode(stored), expectedRevision);
      return this.remember(stored, revision);
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError(
        'conflict',
        `deployment "${id}" changed since revision ${expectedRevision}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * After a rollback the desired state names the version that runs again, and the failed one goes into the
   * history. Only while the desired state still names the failed version (an operator may have chosen
   * another since); recording the same rollout twice changes nothing. Compare-and-set, retried on a race.
   */
  async recordRollback(id: string, entry: DeploymentHistoryEntry): Promise<DeploymentRecord | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = this.find(id);
      if (!current || current.spec.model.version !== entry.version) return current;
      if (current.history.some((h) => h.rolloutStartedAt === entry.rolloutStartedAt)) return current;
      const stored: StoredDeployment = {
        spec: { ...current.spec, model: { ...current.spec.model, version: entry.rolledBackTo } },
        createdAt: current.createdAt,
        updatedAt: entry.at,
        history: [...current.history, entry].slice(-MAX_HISTORY),
      };
      try {
        return this.remember(stored, await this.kv.update(id, encode(stored), current.revision));
      } catch {
        await this.refresh(id); // another writer was first: look at what it wrote
      }
    }
    throw new PolisError('conflict', `deployment "${id}" kept changing while recording its rollback`);
  }

  async remove(id: string, expectedRevision?: number): Promise<void> {
    this.get(id);
    try {
      await this.kv.delete(
        id,
        expectedRevision === undefined ? undefined : { previousSeq: expectedRevision },
      );
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      throw new PolisError(
        'conflict',
        `deployment "${id}" changed since revision ${expectedRevision}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    this.forget(id);
  }

  private async refresh(id: string): Promise<void> {
    const entry = await this.kv.get(id);
    if (!entry || entry.operation !== 'PUT') return;
    const parsed = storedDeploymentSchema.safeParse(parseStoredJson(entry.string()));
    if (parsed.success) this.remember(parsed.data, entry.revision);
  }

  /** Caches a write; the event comes from here or from the watch, whichever sees the revision first. */
  private remember(stored: StoredDeployment, revision: number): DeploymentRecord {
    const current = this.cache.get(stored.spec.id);
    const record: DeploymentRecord = { ...stored, revision };
    if (!current || current.revision < revision) {
      this.cache.set(stored.spec.id, record);
      this.events.emit({
        type: current ? 'updated' : 'created',
        deploymentId: stored.spec.id,
        revision,
      });
      this.changed.next(stored.spec.id);
    }
    return record;
  }

  private forget(id: string): void {
    if (!this.cache.delete(id)) return;
    this.events.emit({ type: 'deleted', deploymentId: id });
    this.changed.next(id);
  }

  private async follow(watch: QueuedIterator<KvEntry>): Promise<void> {
    for await (const entry of watch) {
      if (entry.operation === 'DEL' || entry.operation === 'PURGE') {
        this.forget(entry.key);
        continue;
      }
      const parsed = storedDeploymentSchema.safeParse(parseStoredJson(entry.string()));
      if (parsed.success && deploymentIdSchema.safeParse(entry.key).success)
        this.remember(parsed.data, entry.revision);
      else
        this.logger.warn({ event: 'bad-deployment-entry', key: entry.key }, 'ignored an invalid deployment');
    }
  }
}

function encode(stored: StoredDeployment): Uint8Array {
  return Buffer.from(JSON.stringify(stored));
}
