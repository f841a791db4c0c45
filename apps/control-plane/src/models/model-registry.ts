import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type KV, type KvEntry, StorageType } from 'nats';
import {
  type ModelQuarantine,
  type ModelVersionRecord,
  modelVersionBucket,
  modelVersionKey,
} from '@polis/contracts';
import { PolisError, throwIfDependencyDown } from '../common';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { type Artifact, ArtifactStore } from './artifact-store';
import { type ModelSummary, summarizeModels } from './model-listing';

const CAS_ATTEMPTS = 5;

function decode(entry: KvEntry | null): ModelVersionRecord | undefined {
  if (!entry || entry.operation !== 'PUT') return undefined;
  return entry.json<ModelVersionRecord>();
}

/**
 * The published model versions: one immutable record per name and version in a JetStream key-value bucket
 * (key `<name>.<version>`), each pointing at its artifact in the object store by SHA-256. Other modules
 * (placement, runtime) read models through this service.
 */
@Injectable()
export class ModelRegistry implements OnModuleInit {
  private kv!: KV;

  constructor(
    private readonly nats: NatsClient,
    private readonly artifacts: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.kv = await this.nats.jetstream.views.kv(modelVersionBucket(this.config.nats.subjectPrefix), {
      history: 5,
      storage: StorageType.File,
      description: 'Polis model versions',
    });
  }

  async find(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    return decode(await this.kv.get(modelVersionKey(name, version)));
  }

  async get(name: string, version: string): Promise<ModelVersionRecord> {
    const record = await this.find(name, version);
    if (!record) throw new PolisError('not-found', `model "${name}" has no version ${version}`);
    return record;
  }

  /** Every version of one model, in no particular order; empty when the name is unknown. */
  async versions(name: string): Promise<ModelVersionRecord[]> {
    return this.recordsUnder(`${name}.>`);
  }

  /** One summary per model name with its latest version. */
  async list(): Promise<ModelSummary[]> {
    return summarizeModels(await this.recordsUnder('>'));
  }

  /** The artifact's bytes as a stream; not-found when no artifact has this digest. */
  async openArtifact(sha256: string): Promise<Artifact> {
    const artifact = await this.artifacts.open(sha256);
    if (!artifact) throw new PolisError('not-found', `no artifact has sha256 ${sha256}`);
    return artifact;
  }

  /**
   * Records a new version; `created` is false when the same version already exists. The key-value `create`
   * is the immutability guarantee: of two concurrent publications of one version, exactly one wins.
   */
  async create(record: ModelVersionRecord): Promise<{ record: ModelVersionRecord; created: boolean }> {
    const key = modelVersionKey(record.name, record.version);
    try {
      await this.kv.create(key, Buffer.from(JSON.stringify(record)));
      return { record, created: true };
    } catch (error) {
      throwIfDependencyDown(error); // an outage is a 503, not a conflict
      const existing = await this.find(record.name, record.version);
      if (!existing) throw error;
      return { record: existing, created: false };
    }
  }

  /** Marks a version deprecated; it stays downloadable. Deprecating again keeps the first reason and time. */
  async deprecate(name: string, version: string, reason: string): Promise<ModelVersionRecord> {
    return this.amend(name, version, (record) =>
      record.deprecated ? undefined : { ...record, deprecated: { at: new Date().toISOString(), reason } },
    );
  }

  /**
   * Marks a version that failed at runtime: `latestVersion` skips it; it stays readable and deployable.
   * Quarantining again keeps the first mark (where it failed first).
   */
  async quarantine(
    name: string,
    version: string,
    mark: Omit<ModelQuarantine, 'at'>,
  ): Promise<ModelVersionRecord> {
    return this.amend(name, version, (record) =>
      record.quarantined ? undefined : { ...record, quarantined: { ...mark, at: new Date().toISOString() } },
    );
  }

  /** Clears the quarantine mark (an operator judged the version fit again); no-op when there is none. */
  async clearQuarantine(name: string, version: string): Promise<ModelVersionRecord> {
    return this.amend(name, version, ({ quarantined, ...record }) => (quarantined ? record : undefined));
  }

  /**
   * One compare-and-set change of a version record; `change` returns undefined to keep it as it is. The
   * immutable parts (bytes, metadata) are never touched: only the deprecation and quarantine marks.
   */
  private async amend(
    name: string,
    version: string,
    change: (record: ModelVersionRecord) => ModelVersionRecord | undefined,
  ): Promise<ModelVersionRecord> {
    const key = modelVersionKey(name, version);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      const record = decode(entry);
      if (!entry || !record) throw new PolisError('not-found', `model "${name}" has no version ${version}`);
      const changed = change(record);
      if (!changed) return record;
      try {
        await this.kv.update(key, Buffer.from(JSON.stringify(changed)), entry.revision);
        return changed;
      } catch (error) {
        throwIfDependencyDown(error);
        // Someone wrote in between (a concurrent deprecation or quarantine): read again.
      }
    }
    throw new PolisError('conflict', `model "${name}" version ${version} kept changing; try again`);
  }

  private async recordsUnder(filter: string): Promise<ModelVersionRecord[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys(filter)) keys.push(key);
    const records = await Promise.all(keys.map(async (key) => decode(await this.kv.get(key))));
    return records.filter((r): r is ModelVersionRecord => r !== undefined);
  }
}
