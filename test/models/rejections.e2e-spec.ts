import { buildCityModels } from '@polis/onnx';
import { RegistryHarness, type Reply, encode } from './registry-harness';
import {
  PLAIN_METADATA,
  customOperatorModel,
  emptyGraphModel,
  externalDataModel,
  reluModel,
  typeConflictModel,
  zeroDimensionModel,
} from './test-models';

interface BadUpload {
  what: string;
  send: (registry: RegistryHarness) => Promise<Reply>;
  status: number;
  error: string;
  message: RegExp;
}

const put =
  (bytes: Uint8Array, metadata: unknown = PLAIN_METADATA) =>
  (registry: RegistryHarness) =>
    registry.upload('bad', '1.0.0', bytes, { metadata });

const cityModel = buildCityModels(7)[0];

const BAD_UPLOADS: BadUpload[] = [
  {
    what: 'bytes that are not ONNX',
    send: put(Buffer.from('{"this": "is JSON, not a model"}')),
    status: 422,
    error: 'not-onnx',
    message: /^not an ONNX model: /,
  },
  {
    what: 'an empty body',
    send: put(new Uint8Array()),
    status: 422,
    error: 'not-onnx',
    message: /^the file is empty$/,
  },
  {
    what: 'a truncated model',
    send: put(cityModel.bytes.subarray(0, Math.floor(cityModel.bytes.length / 2)), cityModel.metadata),
    status: 422,
    error: 'truncated',
    message: /^the model is truncated: .* runs past the end of the \d+-byte file$/,
  },
  {
    what: 'an empty graph',
    send: put(emptyGraphModel()),
    status: 422,
    error: 'empty-graph',
    message: /no nodes/,
  },
  {
    what: 'weights in an external file',
    send: put(externalDataModel()),
    status: 422,
    error: 'external-data',
    message: /w -> weights\.bin/,
  },
  {
    what: 'an opset the runtime does not support',
    send: put(reluModel({ opset: 23 })),
    status: 422,
    error: 'unsupported-opset',
    message: /opset 23 is outside the supported range 1\.\.22/,
  },
  {
    what: 'an opset so old that the runtime has no kernel for its operators',
    send: put(reluModel({ opset: 5 })),
    status: 422,
    error: 'unsupported-operator',
    message: /^onnxruntime has no CPU kernel for an operator: Could not find an implementation for Relu\(1\)/,
  },
  {
    what: 'an operator the runtime does not support',
    send: put(customOperatorModel()),
    status: 422,
    error: 'unsupported-operator',
    message: /^onnxruntime has no CPU kernel for an operator: .*No Op registered for FancyActivation/,
  },
  {
    what: 'an input that cannot be fed',
    send: put(zeroDimensionModel()),
    status: 422,
    error: 'unfeedable-shape',
    message: /input "x" has dimension 0/,
  },
  {
    what: 'a model onnxruntime cannot load',
    send: put(typeConflictModel()),
    status: 422,
    error: 'session-failed',
    message: /^onnxruntime cannot load the model: .*bound to different types/,
  },
  {
    what: 'metadata naming an input the graph lacks',
    send: put(reluModel(), {
      ...PLAIN_METADATA,
      inputs: [{ name: 'features', elementType: 'float32', shape: ['batch', 3] }],
    }),
    status: 422,
    error: 'metadata-mismatch',
    message: /metadata\.inputs\.0: the model has no input "features" \(it has: x\)/,
  },
  {
    what: 'metadata declaring another fixed dimension than the graph',
    send: put(reluModel({ inputs: 9 }), {
      ...PLAIN_METADATA,
      inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 6] }],
    }),
    status: 422,
    error: 'metadata-mismatch',
    message: /^metadata\.inputs\.0\.shape\.1: "x" dimension 1 is 9 in the graph, not 6$/,
  },
  {
    what: 'metadata renaming a symbolic dimension without a binding',
    send: put(reluModel(), {
      ...PLAIN_METADATA,
      inputs: [{ name: 'x', elementType: 'float32', shape: ['rows', 3] }],
    }),
    status: 422,
    error: 'metadata-mismatch',
    message: /^metadata\.inputs\.0\.shape\.0: "x" dimension 0 is "batch" in the graph, not "rows"/,
  },
  {
    what: 'a name that is not a token',
    send: (r) => r.upload('Bad_Name', '1.0.0', reluModel(), { metadata: PLAIN_METADATA }),
    status: 400,
    error: 'invalid-input',
    message: /^name must match/,
  },
  {
    what: 'a version with build metadata',
    send: (r) => r.upload('bad', '1.0.0+build.5', reluModel(), { metadata: PLAIN_METADATA }),
    status: 400,
    error: 'invalid-input',
    message: /^version must be a semantic version/,
  },
  {
    what: 'no metadata',
    send: (r) => r.upload('bad', '1.0.0', reluModel()),
    status: 400,
    error: 'invalid-input',
    message: /^metadata: required in the x-polis-model-metadata header/,
  },
  {
    what: 'metadata breaking the contract',
    send: put(reluModel(), { ...PLAIN_METADATA, task: 'astrology', siteKinds: [] }),
    status: 400,
    error: 'invalid-input',
    message: /metadata\.task: .*metadata\.siteKinds: /,
  },
  {
    what: 'metadata that is not JSON',
    send: (r) =>
      r.upload('bad', '1.0.0', reluModel(), { headers: { 'x-polis-model-metadata': '{"task": "forecast"' } }),
    status: 400,
    error: 'invalid-input',
    message: /^metadata: must be JSON or base64url-encoded JSON/,
  },
  {
    what: 'a sample input with no values',
    send: (r) =>
      r.upload('bad', '1.0.0', reluModel(), {
        metadata: PLAIN_METADATA,
        sample: { x: { dims: [1, 3], data: [] } },
      }),
    status: 400,
    error: 'invalid-input',
    message: /^sample\.x\.data: /,
  },
  {
    what: 'a JSON body instead of raw bytes',
    send: (r) =>
      fetch(r.api('/bad/versions/1.0.0'), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-polis-model-metadata': encode(PLAIN_METADATA) },
        body: JSON.stringify({ model: 'base64...' }),
      }).then(async (res) => ({ status: res.status, headers: res.headers, body: await res.json() })),
    status: 415,
    error: 'unsupported-media-type',
    message: /Content-Type: application\/octet-stream \(got application\/json\)/,
  },
];

describe('bad model uploads are refused with a clear 4xx and leave nothing behind', () => {
  let registry: RegistryHarness;

  beforeEach(async () => {
    registry = await RegistryHarness.start('models-bad');
  });

  afterEach(async () => {
    await registry.close();
  });

  it.each(BAD_UPLOADS.map((b) => [b.what, b] as const))('refuses %s', async (_what, bad) => {
    const reply = await bad.send(registry);
    expect({ status: reply.status, error: reply.body.error }).toEqual({
      status: bad.status,
      error: bad.error,
    });
    expect(reply.body.message).toMatch(bad.message);
    expect(await registry.stored()).toEqual({ versionKeys: [], artifacts: [], artifactMessages: 0 });
    expect(await registry.leftoverUploads()).toEqual([]);
  });
});
