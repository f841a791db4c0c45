import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelMetadataSchema, type ModelVersionRecord } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import type { HubClient } from './hub-client';
import { ArtifactIntegrityError, ModelCache } from './model-cache';
import { resolveModel } from './model-source';

const [model] = buildCityModels(1);
const sha256 = createHash('sha256').update(model.bytes).digest('hex');
const record: ModelVersionRecord = {
  name: model.name,
  version: model.version,
  sha256,
  sizeBytes: model.bytes.length,
  createdAt: '2025-01-01T00:00:00Z',
  metadata: modelMetadataSchema.parse(model.metadata),
  insight: {},
  smokeTest: { sessionCreated: true, inferenceOk: true, latencyMs: 1 },
};

function fakeHub(bytes: Uint8Array = model.bytes, rec: ModelVersionRecord = record) {
  const calls = { record: 0, artifact: 0 };
  const hub = {
    record: async () => {
      calls.record++;
      return rec;
    },
    artifact: async () => {
      calls.artifact++;
      return bytes;
    },
  } as unknown as HubClient;
  return { calls, hub: async () => hub };
}

describe('resolveModel', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'polis-cache-spec-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const request = { name: model.name, version: model.version };

  it('downloads once, verifies, caches, and then serves from the cache without the hub', async () => {
    const { calls, hub } = fakeHub();
    const first = await resolveModel({ ...request, sha256 }, new ModelCache(dir), hub);
    expect(first.from).toBe('hub');
    expect(Buffer.from(first.bytes).equals(Buffer.from(model.bytes))).toBe(true);
    const unreachable = async (): Promise<HubClient> => {
      throw new Error('hub down');
    };
    const second = await resolveModel(request, new ModelCache(dir), unreachable);
    expect(second).toMatchObject({ from: 'cache', record: { sha256 } });
    expect(calls).toEqual({ record: 1, artifact: 1 });
  });

  it('refuses an artifact whose bytes do not hash to the record, and caches nothing', async () => {
    const tampered = Uint8Array.from(model.bytes);
    tampered[10] ^= 0xff;
    await expect(resolveModel(request, new ModelCache(dir), fakeHub(tampered).hub)).rejects.toThrow(
      ArtifactIntegrityError,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a record whose digest differs from the one the deployment pins', async () => {
    await expect(
      resolveModel({ ...request, sha256: 'b'.repeat(64) }, new ModelCache(dir), fakeHub().hub),
    ).rejects.toThrow(/pins b{64}/);
  });

  it('refuses a cached artifact that was altered on disk', async () => {
    await resolveModel(request, new ModelCache(dir), fakeHub().hub);
    const [file] = await readdir(join(dir, 'artifacts'));
    await writeFile(join(dir, 'artifacts', file), 'garbage');
    await expect(new ModelCache(dir).read(model.name, model.version)).rejects.toThrow(ArtifactIntegrityError);
  });
});
