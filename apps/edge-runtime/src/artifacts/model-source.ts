import type { ModelVersionRecord } from '@polis/contracts';
import type { HubClient } from './hub-client';
import { ArtifactIntegrityError, type ModelCache, verifyArtifact } from './model-cache';

export interface ResolvedModel {
  record: ModelVersionRecord;
  bytes: Uint8Array;
  from: 'cache' | 'hub';
}

export interface ModelRequest {
  name: string;
  version: string;
  /** Digest the deployment pins, if any: a record with another digest is refused. */
  sha256?: string;
}

function checkPinned(record: ModelVersionRecord, request: ModelRequest, where: string): void {
  if (request.sha256 !== undefined && record.sha256 !== request.sha256) {
    throw new ArtifactIntegrityError(
      `${where}: ${record.name}@${record.version} has sha256 ${record.sha256}, the deployment pins ${request.sha256}`,
    );
  }
}

/** Cache first (versions are immutable), then the hub; whatever comes from the hub is verified, then cached. */
export async function resolveModel(
  request: ModelRequest,
  cache: ModelCache,
  hub: () => Promise<HubClient>,
): Promise<ResolvedModel> {
  const cached = await cache.read(request.name, request.version);
  if (cached) {
    checkPinned(cached.record, request, 'cache');
    return { ...cached, from: 'cache' };
  }
  const client = await hub();
  const record = await client.record(request.name, request.version);
  checkPinned(record, request, 'registry');
  const bytes = await client.artifact(record.sha256);
  verifyArtifact(bytes, record.sha256, `artifact of ${record.name}@${record.version}`);
  await cache.write(record, bytes);
  return { record, bytes, from: 'hub' };
}
