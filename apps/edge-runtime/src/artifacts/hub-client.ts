import {
  artifactObjectName,
  modelArtifactBucket,
  modelVersionBucket,
  modelVersionKey,
  type ModelVersionRecord,
} from '@polis/contracts';
import type { NatsConnection } from 'nats';
import { parseModelRecord } from './model-record';

export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

/** Reads the model registry's NATS state: version records in a KV bucket, artifacts in an object store. */
export class HubClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
  ) {}

  async record(name: string, version: string): Promise<ModelVersionRecord> {
    const bucket = modelVersionBucket(this.prefix);
    // bindOnly: the registry owns its buckets; a runtime must never create an empty one.
    const kv = await this.nc.jetstream().views.kv(bucket, { bindOnly: true });
    const key = modelVersionKey(name, version);
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT')
      throw new ModelNotFoundError(`${name}@${version} is not in ${bucket}`);
    const record = parseModelRecord(entry.string(), `${bucket}/${key}`);
    if (record.name !== name || record.version !== version) {
      throw new ModelNotFoundError(`${bucket}/${key} holds ${record.name}@${record.version}`);
    }
    return record;
  }

  async artifact(sha256: string): Promise<Uint8Array> {
    const bucket = modelArtifactBucket(this.prefix);
    const jsm = await this.nc.jetstreamManager();
    // views.os would create a missing bucket; probe its stream first.
    await jsm.streams.info(`OBJ_${bucket}`).catch(() => {
      throw new ModelNotFoundError(`object store ${bucket} does not exist`);
    });
    const store = await this.nc.jetstream().views.os(bucket);
    const bytes = await store.getBlob(artifactObjectName(sha256));
    if (!bytes) throw new ModelNotFoundError(`${artifactObjectName(sha256)} is not in ${bucket}`);
    // A copy of our own: the blob may be a view into a buffer the client goes on using.
    return bytes.slice();
  }
}
