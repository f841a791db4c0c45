import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ModelMetadata, ModelVersionRecord } from '@polis/contracts';
import { PolisError } from '../common';
import { APP_CONFIG, type AppConfig } from '../config';
import type { SampleInput } from '../../../model-validator/src/protocol';
import { ArtifactStore } from './artifact-store';
import { findMetadataMismatches } from './metadata-consistency';
import { ModelRejection } from './model-rejection';
import { ModelRegistry } from './model-registry';
import { ModelValidator } from './model-validator.service';
import { type ReceivedUpload, receiveToFile } from './upload-receiver';

export interface Publication {
  name: string;
  version: string;
  metadata: ModelMetadata;
  sample?: SampleInput;
  body: Readable;
}

export interface PublishResult {
  record: ModelVersionRecord;
  /** False when this exact version (same bytes, same metadata) was already published. */
  created: boolean;
}

function sameUpload(
  existing: ModelVersionRecord,
  received: ReceivedUpload,
  metadata: ModelMetadata,
): boolean {
  return existing.sha256 === received.sha256 && isDeepStrictEqual(existing.metadata, metadata);
}

function conflict(existing: ModelVersionRecord): PolisError {
  return new PolisError(
    'conflict',
    `model "${existing.name}" version ${existing.version} already exists with other content ` +
      `(sha256 ${existing.sha256}); versions are immutable, publish a new version`,
    { sha256: existing.sha256 },
  );
}

/**
 * Publishing a version: stream the body to a private temporary file (hashing as it goes), validate it in
 * the validator process, then store the artifact and, last, the version record. Nothing reaches NATS before
 * validation passes, and the temporary file is removed whatever happens.
 */
@Injectable()
export class ModelPublisher {
  private readonly logger = new Logger(ModelPublisher.name);

  constructor(
    private readonly registry: ModelRegistry,
    private readonly artifacts: ArtifactStore,
    private readonly validator: ModelValidator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async publish(publication: Publication): Promise<PublishResult> {
    const dir = await mkdtemp(join(this.config.models.uploadDir, 'polis-model-'));
    try {
      const path = join(dir, 'model.onnx');
      const received = await receiveToFile(publication.body, path, this.config.models.maxBytes);
      const existing = await this.registry.find(publication.name, publication.version);
      if (existing) {
        if (sameUpload(existing, received, publication.metadata)) return { record: existing, created: false };
        throw conflict(existing);
      }
      const record = await this.validate(publication, received, path);
      const { stored } = await this.artifacts.put(received.sha256, path);
      const result = await this.registry.create(record);
      if (!result.created && !sameUpload(result.record, received, publication.metadata)) {
        // Lost a race with a different upload of the same version; our artifact may now be unreferenced,
        // which is harmless (content-addressed) and left for garbage collection.
        throw conflict(result.record);
      }
      this.logger.log({
        event: 'model-published',
        name: record.name,
        version: record.version,
        sha256: record.sha256,
        sizeBytes: record.sizeBytes,
        artifactStored: stored,
      });
      return result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async validate(
    publication: Publication,
    received: ReceivedUpload,
    path: string,
  ): Promise<ModelVersionRecord> {
    const accepted = await this.validator.validate({ modelPath: path, sample: publication.sample });
    const mismatches = findMetadataMismatches(publication.metadata, accepted.insight);
    if (mismatches.length > 0)
      throw new ModelRejection('metadata-mismatch', mismatches.join('; '), mismatches);
    return {
      name: publication.name,
      version: publication.version,
      sha256: received.sha256,
      sizeBytes: received.sizeBytes,
      createdAt: new Date().toISOString(),
      metadata: publication.metadata,
      insight: accepted.insight,
      smokeTest: accepted.smokeTest,
    };
  }
}
