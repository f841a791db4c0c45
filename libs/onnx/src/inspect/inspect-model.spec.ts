import fc from 'fast-check';
import { OnnxGraphBuilder, attr } from '../build/graph-builder';
import { OnnxModelError } from '../errors';
import { decodeModel, encodeModel } from '../proto/codec';
import { ELEMENT_TYPES } from '../proto/element-types';
import { DEFAULT_ONNX_SUPPORT } from '../support';
import { SeededRandom } from '../train/random';
import { describeModel, findSupportIssues, inspectModel } from './inspect-model';

function gemmModel(options: { opset?: number; op?: string } = {}): Uint8Array {
  const b = new OnnxGraphBuilder('tiny');
  const x = b.input('x', 'float32', ['batch', 3]);
  const w = b.initializer('w', new Float32Array(6), [3, 2]);
  const c = b.initializer('c', new Float32Array(2), [2]);
  const y = b.op(options.op ?? 'Gemm', [x, w, c], { transB: attr.int(0) }, 'y');
  b.output(y, 'float32', ['batch', 2]);
  return b.build({
    opset: options.opset,
    producerName: 'unit-test',
    producerVersion: '9.9',
    metadata: { k: 'v' },
  });
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OnnxModelError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('describeModel', () => {
  it('reads header, signatures, initializers and operators of a built model', () => {
    const insight = describeModel(gemmModel());
    expect(insight).toMatchObject({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'unit-test',
      producerVersion: '9.9',
      graphName: 'tiny',
      metadata: { k: 'v' },
      inputs: [{ name: 'x', kind: 'tensor', elementType: 'float32', shape: ['batch', 3] }],
      outputs: [{ name: 'y', kind: 'tensor', elementType: 'float32', shape: ['batch', 2] }],
      initializerCount: 2,
      initializerBytes: (6 + 2) * 4,
      nodeCount: 1,
      operatorHistogram: { Gemm: 1 },
      externalData: [],
    });
  });

  it('excludes initializers that are also listed as graph inputs (IR < 4 style) from the inputs to feed', () => {
    const model = decodeModel(gemmModel());
    model.graph!.input!.push({
      name: 'w',
      type: {
        tensorType: { elemType: ELEMENT_TYPES.float32, shape: { dim: [{ dimValue: 3 }, { dimValue: 2 }] } },
      },
    });
    expect(describeModel(encodeModel(model)).inputs.map((i) => i.name)).toEqual(['x']);
  });

  it('keeps symbolic dims by name and marks dims with neither value nor name as "?"', () => {
    const model = decodeModel(gemmModel());
    model.graph!.input![0].type!.tensorType!.shape = { dim: [{}, { dimParam: 'features' }] };
    expect(describeModel(encodeModel(model)).inputs[0].shape).toEqual(['?', 'features']);
  });
});

describe('structural errors', () => {
  it('rejects an empty file and random bytes as not-onnx', () => {
    expect(codeOf(() => describeModel(new Uint8Array()))).toBe('not-onnx');
    const random = new SeededRandom(7);
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 64 + random.int(512) }, () => random.int(256));
      expect(codeOf(() => describeModel(bytes))).toBe('not-onnx');
    }
  });

  it('rejects text that happens to be valid UTF-8 as not-onnx', () => {
    expect(codeOf(() => describeModel(Buffer.from('{"model": "not really"}')))).toBe('not-onnx');
  });

  it('reports a cut-off model as truncated, wherever it is cut after the header', () => {
    const bytes = gemmModel();
    for (const keep of [4, 20, bytes.length >> 1, bytes.length - 1]) {
      expect(codeOf(() => describeModel(bytes.subarray(0, keep)))).toBe('truncated');
    }
  });

  it('only ever throws OnnxModelError, for any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          describeModel(bytes);
        } catch (error) {
          return error instanceof OnnxModelError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('reports a model without nodes as empty-graph', () => {
    const b = new OnnxGraphBuilder('empty');
    b.input('x', 'float32', [1]);
    b.output('x', 'float32', [1]);
    expect(codeOf(() => describeModel(b.build()))).toBe('empty-graph');
    expect(codeOf(() => describeModel(encodeModel({ irVersion: 8, opsetImport: [{ version: 17 }] })))).toBe(
      'empty-graph',
    );
  });
});

describe('inspectModel policy checks', () => {
  it('accepts a supported model', () => {
    expect(inspectModel(gemmModel()).nodeCount).toBe(1);
  });

  it.each([0, 23, 30])('rejects opset %i, outside what the runtime loads (1..22)', (opset) => {
    expect(codeOf(() => inspectModel(gemmModel({ opset })))).toBe('unsupported-opset');
  });

  it.each([1, 7, 22])('accepts opset %i by default: the runtime decides per kernel', (opset) => {
    expect(inspectModel(gemmModel({ opset })).opsetImports[0].version).toBe(opset);
  });

  it('narrows the opset range to what the policy allows', () => {
    const policy = { ...DEFAULT_ONNX_SUPPORT, minOpset: 13, maxOpset: 17 };
    expect(codeOf(() => inspectModel(gemmModel({ opset: 12 }), policy))).toBe('unsupported-opset');
    expect(codeOf(() => inspectModel(gemmModel({ opset: 18 }), policy))).toBe('unsupported-opset');
    expect(inspectModel(gemmModel({ opset: 17 }), policy).nodeCount).toBe(1);
  });

  it('rejects a model that imports no default-domain opset', () => {
    const model = decodeModel(gemmModel());
    model.opsetImport = [{ domain: 'com.example', version: 1 }];
    expect(codeOf(() => inspectModel(encodeModel(model)))).toBe('unsupported-opset');
  });

  it('leaves unknown and contrib operators to the runtime by default, and refuses those the policy denies', () => {
    expect(inspectModel(gemmModel({ op: 'FancyGemm' })).operatorHistogram).toEqual({ FancyGemm: 1 });
    const model = decodeModel(gemmModel());
    model.graph!.node![0].domain = 'com.microsoft';
    const bytes = encodeModel(model);
    expect(inspectModel(bytes).operatorHistogram).toEqual({ 'com.microsoft::Gemm': 1 });
    const byDomain = { ...DEFAULT_ONNX_SUPPORT, deniedDomains: ['com.microsoft'] };
    expect(() => inspectModel(bytes, byDomain)).toThrow(
      "operators denied by the registry's policy: com.microsoft::Gemm",
    );
    const byName = { ...DEFAULT_ONNX_SUPPORT, deniedOperators: ['Gemm'] };
    expect(inspectModel(bytes, byName).nodeCount).toBe(1); // a contrib Gemm is another operator
    expect(codeOf(() => inspectModel(gemmModel(), byName))).toBe('unsupported-operator');
    const qualified = { ...DEFAULT_ONNX_SUPPORT, deniedOperators: ['com.microsoft::Gemm'] };
    expect(codeOf(() => inspectModel(bytes, qualified))).toBe('unsupported-operator');
  });

  it('lists external data references and rejects them unless the policy allows them', () => {
    const model = decodeModel(gemmModel());
    const weights = model.graph!.initializer![0];
    delete weights.rawData;
    weights.dataLocation = 1;
    weights.externalData = [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: '4096' },
      { key: 'length', value: '24' },
    ];
    const bytes = encodeModel(model);
    expect(describeModel(bytes).externalData).toEqual([
      { tensor: 'w', location: 'weights.bin', offset: 4096, length: 24 },
    ]);
    expect(describeModel(bytes).initializerBytes).toBe(32);
    expect(codeOf(() => inspectModel(bytes))).toBe('external-data');
    expect(
      inspectModel(bytes, { ...DEFAULT_ONNX_SUPPORT, allowExternalData: true }).externalData,
    ).toHaveLength(1);
  });

  it.each([
    ['a zero dimension', { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 0 }, { dimValue: 3 }] } } }],
    ['no shape', { tensorType: { elemType: 1 } }],
    ['an undefined element type', { tensorType: { elemType: 0, shape: { dim: [{ dimValue: 3 }] } } }],
    ['a sequence type', { sequenceType: { elemType: { tensorType: { elemType: 1 } } } }],
  ])('rejects an input with %s as unfeedable-shape', (_label, type) => {
    const model = decodeModel(gemmModel());
    model.graph!.input![0].type = type;
    expect(codeOf(() => inspectModel(encodeModel(model)))).toBe('unfeedable-shape');
  });

  it('findSupportIssues lists every problem, most severe first', () => {
    const insight = describeModel(gemmModel({ opset: 30, op: 'Mystery' }));
    const policy = { ...DEFAULT_ONNX_SUPPORT, deniedOperators: ['Mystery'] };
    expect(findSupportIssues(insight, policy).map((i) => i.code)).toEqual([
      'unsupported-opset',
      'unsupported-operator',
    ]);
  });
});
