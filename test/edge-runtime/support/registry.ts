import { createHash } from 'node:crypto';
import {
  artifactObjectName,
  modelArtifactBucket,
  modelMetadataSchema,
  modelVersionBucket,
  modelVersionKey,
  type ModelVersionRecord,
} from '@polis/contracts';
import type { CityModelArtifact } from '@polis/onnx';
import type { NatsConnection } from 'nats';

/**
 * Publishes a model version exactly as the registry contract says (libs/contracts models.ts): the artifact
 * in the object store under its content address, the record in the versions KV bucket.
 */
export async function publishModelVersion(
  nc: NatsConnection,
  prefix: string,
  model: Pick<CityModelArtifact, 'name' | 'version' | 'bytes' | 'metadata'>,
): Promise<ModelVersionRecord> {
  const js = nc.jetstream();
  const sha256 = createHash('sha256').update(model.bytes).digest('hex');
  const store = await js.views.os(modelArtifactBucket(prefix));
  await store.putBlob({ name: artifactObjectName(sha256) }, model.bytes);
  const record: ModelVersionRecord = {
    name: model.name,
    version: model.version,
    sha256,
    sizeBytes: model.bytes.byteLength,
    createdAt: new Date().toISOString(),
    metadata: modelMetadataSchema.parse(model.metadata),
    insight: {},
    smokeTest: { sessionCreated: true, inferenceOk: true, latencyMs: 1 },
  };
  const kv = await js.views.kv(modelVersionBucket(prefix));
  await kv.put(modelVersionKey(model.name, model.version), JSON.stringify(record));
  return record;
}

export async function removeRegistryBuckets(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const stream of [`KV_${modelVersionBucket(prefix)}`, `OBJ_${modelArtifactBucket(prefix)}`]) {
    await jsm.streams.delete(stream).catch(() => false);
  }
}
