import { Readable } from 'node:stream';
import { RegistryHarness, encode, streamedUpload } from './registry-harness';
import { PLAIN_METADATA, reluModel } from './test-models';

const LIMIT = 1024 * 1024;
const BODY = 64 * 1024 * 1024;

/** BODY bytes produced on demand, so the client never holds them either. */
function endlessBody(total: number): Readable {
  let produced = 0;
  return new Readable({
    read() {
      const size = Math.min(64 * 1024, total - produced);
      produced += size;
      this.push(size > 0 ? Buffer.alloc(size, 0x42) : null);
    },
  });
}

describe('the model size limit is enforced while streaming', () => {
  let registry: RegistryHarness;

  beforeEach(async () => {
    registry = await RegistryHarness.start('models-size', { MODEL_MAX_BYTES: String(LIMIT) });
  });

  afterEach(async () => {
    await registry.close();
  });

  const headers = {
    'content-type': 'application/octet-stream',
    'x-polis-model-metadata': encode(PLAIN_METADATA),
  };

  it('answers 413 to a chunked body as soon as it passes the limit, and closes the connection', async () => {
    const result = await streamedUpload(registry.api('/big/versions/1.0.0'), endlessBody(BODY), headers);
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({
      error: 'too-large',
      message: `the model is larger than the limit of ${LIMIT} bytes`,
    });
    // The answer came long before the client could send the whole body: nothing waited for (or buffered) it.
    expect(result.sentWhenAnswered).toBeLessThan(BODY / 4);
    expect(result.connectionClosed).toBe(true);
    expect(await registry.stored()).toEqual({ versionKeys: [], artifacts: [], artifactMessages: 0 });
    expect(await registry.leftoverUploads()).toEqual([]);

    // The server is fine afterwards, and a model within the limit still goes through.
    const small = await registry.upload('small', '1.0.0', reluModel(), { metadata: PLAIN_METADATA });
    expect(small.status).toBe(201);
  });

  it('answers 413 before reading anything when Content-Length is over the limit', async () => {
    const result = await streamedUpload(registry.api('/big/versions/1.0.0'), endlessBody(BODY), {
      ...headers,
      'content-length': String(BODY),
    });
    expect(result.status).toBe(413);
    expect(result.body.message).toBe(
      `the model is larger than the limit of ${LIMIT} bytes (Content-Length: ${BODY})`,
    );
    expect(result.sentWhenAnswered).toBeLessThan(BODY / 4);
    expect(await registry.stored()).toEqual({ versionKeys: [], artifacts: [], artifactMessages: 0 });
  });

  it('accepts a model of exactly the limit as far as size goes', async () => {
    const bytes = Buffer.alloc(LIMIT, 0x42); // not ONNX, but exactly at the limit: refused for content only
    const reply = await registry.upload('edge', '1.0.0', bytes, { metadata: PLAIN_METADATA });
    expect(reply.body.error).toBe('not-onnx');
  });
});
