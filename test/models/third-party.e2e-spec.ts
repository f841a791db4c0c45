import { contribModel, ifModel, loopModel, scanModel } from './control-flow-models';
import { RegistryHarness } from './registry-harness';
import { PLAIN_METADATA, reluModel } from './test-models';
import { KNOWN_HISTOGRAMS, sileroVadV4, sileroVadV5, wakeWordClassifier } from './third-party-models';

const port = (name: string, elementType: string, shape: (string | number)[]) => ({
  name,
  elementType,
  shape,
});

/** What an operator would declare for Silero VAD v4 at 16 kHz: 512-sample windows, a batch of streams. */
const SILERO_V4_METADATA = {
  ...PLAIN_METADATA,
  task: 'classification',
  inputs: [
    port('input', 'float32', ['batch', 512]),
    port('sr', 'int64', []),
    port('h', 'float32', [2, 'batch', 64]),
    port('c', 'float32', [2, 'batch', 64]),
  ],
  outputs: [port('output', 'float32', ['batch', 1])],
  dimensionBindings: { sequence: 512 },
};

describe('third-party and control-flow models through the registry', () => {
  let registry: RegistryHarness;
  beforeAll(async () => (registry = await RegistryHarness.start('models-third-party')));
  afterAll(async () => registry.close());

  it('accepts Silero VAD v5 (If, 50 subgraphs) with its known graph, and the zero-input failure as a warning', async () => {
    const put = await registry.upload('silero-vad', '5.0.0', sileroVadV5().bytes, {
      metadata: PLAIN_METADATA,
    });
    expect(put.status).toBe(201);
    const { insight, smokeTest } = (await registry.get('/silero-vad/versions/5.0.0')).body;
    expect(insight.operatorHistogram).toEqual(KNOWN_HISTOGRAMS.sileroVadV5);
    expect(insight.nodeCount).toBe(689);
    expect(insight.subgraphCount).toBe(50);
    expect(insight.producerName).toBe('spox');
    expect(insight.inputs).toEqual([
      { name: 'input', kind: 'tensor', elementType: 'float32', shape: ['?', '?'] },
      { name: 'state', kind: 'tensor', elementType: 'float32', shape: [2, '?', 128] },
      { name: 'sr', kind: 'tensor', elementType: 'int64', shape: [] },
    ]);
    expect(insight.outputs.map((o: { name: string }) => o.name)).toEqual(['output', 'stateN']);
    // Zeros of the declared shapes are one sample at 0 Hz: too short for the STFT, so inference fails.
    expect(smokeTest).toMatchObject({ sessionCreated: true, inferenceOk: false });
    expect(smokeTest.warning).toMatch(/^inference on zero-filled inputs failed: .*If node\. Name:'If_0'/);
    expect(insight.dataDependentEstimates[0]).toMatchObject({ node: 'If_0', opType: 'If' });
    expect(insight.dataDependentEstimates[0].assumption).toMatch(/chosen at run time .*an upper bound/);
  });

  it('runs the smoke inference on an operator sample that suits Silero VAD v5', async () => {
    const sample = {
      input: { dims: [1, 512], data: new Array<number>(512).fill(0) },
      state: { dims: [2, 1, 128], data: new Array<number>(256).fill(0) },
      sr: { data: [16000] },
    };
    const put = await registry.upload('silero-vad', '5.0.1', sileroVadV5().bytes, {
      metadata: PLAIN_METADATA,
      sample,
    });
    expect(put.status).toBe(201);
    expect(put.body.smokeTest).toMatchObject({ inferenceOk: true });
    expect(put.body.smokeTest.warning).toBeUndefined();
    // The estimates follow the sample's shapes: at one sample of audio the STFT cannot even run, at 512 it does.
    const { insight } = put.body;
    expect(insight.estimatedFor).toEqual({ input: [1, 512], state: [2, 1, 128], sr: [] });
    const zeros = (await registry.get('/silero-vad/versions/5.0.0')).body.insight;
    expect(zeros.estimatedFor).toEqual({ input: [1, 1], state: [2, 1, 128], sr: [] });
    expect(insight.flopsByOperator.Conv).toBeGreaterThan(0);
    expect(insight.estimatedFlops).toBeGreaterThan(100 * zeros.estimatedFlops);
  });

  it('accepts Silero VAD v4 with its known graph, and checks its ports dimension by dimension', async () => {
    const { bytes } = sileroVadV4();
    const unbound = await registry.upload('silero-vad', '4.0.0', bytes, {
      metadata: { ...SILERO_V4_METADATA, dimensionBindings: undefined },
    });
    expect(unbound.status).toBe(422);
    expect(unbound.body).toMatchObject({
      error: 'metadata-mismatch',
      details: [
        'metadata.inputs.0.shape.1: "input" dimension 1 is "sequence" in the graph, not 512 (use the graph\'s name, or bind it: dimensionBindings.sequence)',
      ],
    });
    const wrongState = await registry.upload('silero-vad', '4.0.0', bytes, {
      metadata: {
        ...SILERO_V4_METADATA,
        inputs: [...SILERO_V4_METADATA.inputs.slice(0, 2), port('h', 'float32', [2, 'batch', 128])],
      },
    });
    expect(wrongState.body.message).toBe(
      'metadata.inputs.2.shape.2: "h" dimension 2 is 64 in the graph, not 128',
    );

    const put = await registry.upload('silero-vad', '4.0.0', bytes, { metadata: SILERO_V4_METADATA });
    expect(put.status).toBe(201);
    const { insight, smokeTest, metadata } = put.body;
    expect(metadata.dimensionBindings).toEqual({ sequence: 512 });
    expect(insight.operatorHistogram).toEqual(KNOWN_HISTOGRAMS.sileroVadV4);
    expect(insight.subgraphCount).toBe(18);
    expect(insight.inputs.map((i: { name: string; shape: unknown }) => [i.name, i.shape])).toEqual([
      ['input', ['batch', 'sequence']],
      ['sr', []],
      ['h', [2, 'batch', 64]],
      ['c', [2, 'batch', 64]],
    ]);
    // The weights sit in the branches: counting only the main graph's initializers would miss most of them.
    expect(insight.initializerBytes).toBeGreaterThan(1_700_000);
    expect(smokeTest).toMatchObject({ inferenceOk: false });
    expect(smokeTest.warning).toMatch(/^inference on zero-filled inputs failed: /);
  });

  it('accepts the openWakeWord classifier, whose zero input runs, with its known graph', async () => {
    const metadata = {
      ...PLAIN_METADATA,
      inputs: [port('onnx::Flatten_0', 'float32', [1, 25, 96])],
      outputs: [port('39', 'float32', [1, 1])],
    };
    const put = await registry.upload('hello-deepa', '0.1.27', wakeWordClassifier().bytes, { metadata });
    expect(put.status).toBe(201);
    expect(put.body.insight.operatorHistogram).toEqual(KNOWN_HISTOGRAMS.wakeWordClassifier);
    expect(put.body.insight.subgraphCount).toBe(0);
    // Three Gemm layers, 2400 -> 32 -> 32 -> 1, with biases (weights layer1, blocks.0.fcn_layer, last_layer).
    expect(put.body.insight.flopsByOperator.Gemm).toBe(
      2 * 2400 * 32 + 32 + (2 * 32 * 32 + 32) + (2 * 32 + 1),
    );
    expect(put.body.smokeTest).toMatchObject({ inferenceOk: true });
  });

  it('accepts If, Loop, Scan and com.microsoft models built with the graph builder, with subgraph estimates', async () => {
    const models = { 'if-model': ifModel(), 'loop-model': loopModel(3), 'scan-model': scanModel() };
    for (const [name, bytes] of Object.entries({ ...models, 'contrib-model': contribModel() })) {
      const put = await registry.upload(name, '1.0.0', bytes, { metadata: PLAIN_METADATA });
      expect({ name, status: put.status, inferenceOk: put.body.smokeTest?.inferenceOk }).toEqual({
        name,
        status: 201,
        inferenceOk: true,
      });
    }
    const loop = (await registry.get('/loop-model/versions/1.0.0')).body.insight;
    expect(loop.estimatedFlops).toBe(3 * 8);
    const branch = (await registry.get('/if-model/versions/1.0.0')).body.insight;
    expect(branch.dataDependentEstimates).toHaveLength(1);
    expect(branch.estimatedFlops).toBe(72);
  });
});

describe('the operator tightens the policy in config', () => {
  let registry: RegistryHarness;
  beforeAll(
    async () =>
      (registry = await RegistryHarness.start('models-policy', {
        MODEL_DENY_OPERATORS: 'If,Loop',
        MODEL_DENY_DOMAINS: 'com.microsoft',
        MODEL_MAX_OPSET: '17',
      })),
  );
  afterAll(async () => registry.close());

  it('refuses denied operators, domains and opsets with 422 before loading, and accepts the rest', async () => {
    const silero = await registry.upload('silero-vad', '5.0.0', sileroVadV5().bytes, {
      metadata: PLAIN_METADATA,
    });
    expect(silero.status).toBe(422);
    expect(silero.body).toMatchObject({
      error: 'unsupported-operator',
      message: "operators denied by the registry's policy: If",
    });
    const contrib = await registry.upload('contrib', '1.0.0', contribModel(), { metadata: PLAIN_METADATA });
    expect(contrib.body.message).toBe(
      "operators denied by the registry's policy: com.microsoft::FusedMatMul, com.microsoft::Gelu",
    );
    const recent = await registry.upload('relu', '1.0.0', reluModel({ opset: 18 }), {
      metadata: PLAIN_METADATA,
    });
    expect(recent.body).toMatchObject({
      error: 'unsupported-opset',
      message: 'opset 18 is outside the supported range 1..17',
    });
    expect((await registry.upload('scan', '1.0.0', scanModel(), { metadata: PLAIN_METADATA })).status).toBe(
      201,
    );
    expect((await registry.stored()).versionKeys).toEqual(['scan.1.0.0']);
  });
});
