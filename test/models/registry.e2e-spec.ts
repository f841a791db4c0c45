import { createHash } from 'node:crypto';
import { buildCityModels, type CityModelArtifact } from '@polis/onnx';
import { ModelRegistry } from '../../apps/control-plane/src/models';
import { RegistryHarness } from './registry-harness';
import { PLAIN_METADATA, largeModel, reluModel, reshapeFailsModel } from './test-models';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('model registry over HTTP, NATS object store and key-value bucket', () => {
  let city: CityModelArtifact[];
  let registry: RegistryHarness;

  beforeAll(() => {
    city = buildCityModels(20250101);
  });

  afterEach(async () => {
    expect(await registry.leftoverUploads()).toEqual([]);
    await registry.close();
  });

  it('publishes the city models, serves them byte-identical, lists them and deprecates one', async () => {
    registry = await RegistryHarness.start('models-roundtrip');
    for (const model of city) {
      const put = await registry.upload(model.name, model.version, model.bytes, { metadata: model.metadata });
      expect([model.name, put.status]).toEqual([model.name, 201]);
      expect(put.headers.get('location')).toBe(`/api/v1/models/${model.name}/versions/${model.version}`);
      expect(put.body).toMatchObject({
        name: model.name,
        version: model.version,
        sha256: sha256(model.bytes),
        sizeBytes: model.bytes.length,
        smokeTest: { sessionCreated: true, inferenceOk: true },
        insight: { inputs: model.metadata.inputs.map((p) => ({ name: p.name })) },
      });
    }

    const [first] = city;
    const record = await registry.get(`/${first.name}/versions/${first.version}`);
    expect(record.status).toBe(200);
    expect(record.body.metadata).toEqual(first.metadata);
    expect(record.body.insight.estimatedFlops).toBeGreaterThan(0);

    const download = await fetch(registry.api(`/${first.name}/versions/${first.version}/download`));
    expect(download.status).toBe(200);
    expect(download.headers.get('etag')).toBe(`"${sha256(first.bytes)}"`);
    expect(download.headers.get('content-length')).toBe(String(first.bytes.length));
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(first.bytes))).toBe(true);

    const listing = await registry.get('');
    expect(listing.body.items.map((m: any) => [m.name, m.latestVersion, m.versions])).toEqual(
      city.map((m) => [m.name, m.version, 1]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    );

    const deprecate = await registry.get(`/${first.name}/versions/${first.version}/deprecate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'superseded by 1.1.0' }),
    });
    expect(deprecate.status).toBe(200);
    expect(deprecate.body.deprecated).toMatchObject({ reason: 'superseded by 1.1.0' });
    const versions = await registry.get(`/${first.name}`);
    expect(versions.body.items).toEqual([
      expect.objectContaining({ version: first.version, deprecated: deprecate.body.deprecated }),
    ]);
    const after = await registry.get('');
    expect(after.body.items.find((m: any) => m.name === first.name)).toMatchObject({
      latestVersion: null,
      deprecatedVersions: 1,
    });
    const stillThere = await fetch(registry.api(`/${first.name}/versions/${first.version}/download`));
    expect(Buffer.from(await stillThere.arrayBuffer()).equals(Buffer.from(first.bytes))).toBe(true);

    const service = registry.app.get(ModelRegistry);
    expect((await service.get(first.name, first.version)).deprecated?.reason).toBe('superseded by 1.1.0');
    expect((await service.list()).map((m) => m.name)).toHaveLength(city.length);
  });

  it('is idempotent for identical uploads and refuses to change a published version', async () => {
    registry = await RegistryHarness.start('models-immutable');
    const bytes = reluModel();
    const first = await registry.upload('relu', '1.0.0', bytes, { metadata: PLAIN_METADATA });
    expect(first.status).toBe(201);

    const again = await registry.upload('relu', '1.0.0', bytes, { metadata: PLAIN_METADATA });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const otherBytes = await registry.upload('relu', '1.0.0', reluModel({ seed: 1 }), {
      metadata: PLAIN_METADATA,
    });
    expect(otherBytes.status).toBe(409);
    expect(otherBytes.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/immutable/) });
    const otherMetadata = await registry.upload('relu', '1.0.0', bytes, {
      metadata: { ...PLAIN_METADATA, latencySloMs: 5 },
    });
    expect(otherMetadata.status).toBe(409);

    // The same bytes under another version share one artifact.
    expect((await registry.upload('relu', '1.1.0', bytes, { metadata: PLAIN_METADATA })).status).toBe(201);
    const stored = await registry.stored();
    expect(stored.versionKeys).toEqual(['relu.1.0.0', 'relu.1.1.0']);
    expect(stored.artifacts).toEqual([`sha256-${sha256(bytes)}`]);

    const concurrent = await Promise.all(
      [0, 1, 2].map(() => registry.upload('relu', '2.0.0', bytes, { metadata: PLAIN_METADATA })),
    );
    expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 201]);
  });

  it('stores a multi-megabyte model in chunks and streams it back intact, with conditional GET', async () => {
    registry = await RegistryHarness.start('models-large');
    const bytes = largeModel(3);
    const put = await registry.upload('large', '0.1.0', bytes, { metadata: PLAIN_METADATA });
    expect(put.status).toBe(201);
    expect((await registry.stored()).artifactMessages).toBeGreaterThan(20); // 128 KiB chunks plus the metadata

    const download = await fetch(registry.api('/large/versions/0.1.0/download'));
    const body = Buffer.from(await download.arrayBuffer());
    expect(body.length).toBe(bytes.length);
    expect(sha256(body)).toBe(sha256(bytes));

    const etag = download.headers.get('etag')!;
    const cached = await fetch(registry.api('/large/versions/0.1.0/download'), {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
  });

  it('accepts a model whose inference on zeros fails, recording the warning', async () => {
    registry = await RegistryHarness.start('models-warning');
    const put = await registry.upload('reshape', '1.0.0', reshapeFailsModel(), { metadata: PLAIN_METADATA });
    expect(put.status).toBe(201);
    expect(put.body.smokeTest).toMatchObject({
      sessionCreated: true,
      inferenceOk: false,
      warning: expect.stringMatching(/^inference on zero-filled inputs failed: .*cannot be reshaped/),
    });
  });

  it('runs the smoke inference on the operator sample and refuses a sample that does not fit', async () => {
    registry = await RegistryHarness.start('models-sample');
    const good = await registry.upload('relu', '1.0.0', reluModel(), {
      metadata: PLAIN_METADATA,
      sample: { x: { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } },
    });
    expect(good.status).toBe(201);
    expect(good.body.smokeTest.inferenceOk).toBe(true);

    const mismatch = await registry.upload('relu', '1.0.1', reluModel(), {
      metadata: PLAIN_METADATA,
      sample: { x: { dims: [1, 4], data: [1, 2, 3, 4] } },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({
      error: 'sample-mismatch',
      message: expect.stringMatching(/dimension 1 = 4, expected 3/),
    });

    const failing = await registry.upload('reshape', '1.0.0', reshapeFailsModel(), {
      metadata: PLAIN_METADATA,
      sample: { x: { data: [0, 0, 0] } },
    });
    expect(failing.status).toBe(422);
    expect(failing.body).toMatchObject({
      error: 'inference-failed',
      message: expect.stringMatching(/sample input failed/),
    });
    expect((await registry.stored()).versionKeys).toEqual(['relu.1.0.0']);
  });

  it('answers 404 for unknown models, versions and artifacts, and 400 for a blank deprecation reason', async () => {
    registry = await RegistryHarness.start('models-404');
    expect((await registry.get('/nothing')).status).toBe(404);
    const version = await registry.get('/nothing/versions/1.0.0');
    expect(version).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect((await registry.get('/nothing/versions/1.0.0/download')).status).toBe(404);
    await expect(registry.app.get(ModelRegistry).openArtifact('0'.repeat(64))).rejects.toThrow(/no artifact/);
    const deprecate = (reason: unknown) =>
      registry.get('/nothing/versions/1.0.0/deprecate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason }),
      });
    expect((await deprecate('old')).status).toBe(404);
    expect(await deprecate(' ')).toMatchObject({
      status: 400,
      body: { error: 'invalid-input', message: /^reason: / },
    });
  });
});
