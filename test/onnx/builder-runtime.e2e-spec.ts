/** @jest-environment ./test/onnx/onnxruntime-environment.ts */
import {
  OnnxGraphBuilder,
  SeededRandom,
  attr,
  exportNetwork,
  fitLogisticRegression,
  fitMlpClassifier,
  fitMlpRegressor,
  fitRidgeRegression,
  inspectModel,
  matrix,
  predict,
  type DenseNetwork,
  type Matrix,
} from '@polis/onnx';
import { InferenceSession, Tensor } from 'onnxruntime-node';

async function run(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<InferenceSession.OnnxValueMapType> {
  const session = await InferenceSession.create(Buffer.from(bytes));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('builder models in onnxruntime-node', () => {
  it('computes Relu(x·W + c) exactly as by hand', async () => {
    const b = new OnnxGraphBuilder('hand');
    const x = b.input('x', 'float32', ['batch', 3]);
    const w = b.initializer('w', Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const c = b.initializer('c', Float32Array.of(0.5, -1), [2]);
    const y = b.op('Gemm', [x, w, c], { alpha: attr.float(1), beta: attr.float(1) });
    b.op('Relu', [y], undefined, 'out');
    b.output('out', 'float32', ['batch', 2]);
    const bytes = b.build();
    inspectModel(bytes);

    const out = await run(bytes, { x: new Tensor('float32', Float32Array.of(1, 1, 1, -1, 0, 2), [2, 3]) });
    // Row 1: [1+3+5+0.5, 2+4+6-1] = [9.5, 11]; row 2: [-1+10+0.5, -2+12-1] = [9.5, 9]; then Relu.
    expect(Array.from(out.out.data as Float32Array)).toEqual([9.5, 11, 9.5, 9]);
    expect(out.out.dims).toEqual([2, 2]);
  });

  it('runs int64 initializers, Gather, ArgMax and Greater with the declared output types', async () => {
    const b = new OnnxGraphBuilder('types');
    const x = b.input('x', 'float32', ['batch', 4]);
    const picked = b.op('Gather', [x, b.initializer('cols', BigInt64Array.of(3n, 0n), [2])], {
      axis: attr.int(1),
    });
    b.op('ArgMax', [picked], { axis: attr.int(1), keepdims: attr.int(1) }, 'arg');
    b.op('Greater', [picked, b.initializer('limit', Float32Array.of(2), [1])], undefined, 'big');
    b.output('arg', 'int64', ['batch', 1]);
    b.output('big', 'bool', ['batch', 2]);
    const out = await run(b.build(), { x: new Tensor('float32', Float32Array.of(5, 0, 0, 1), [1, 4]) });
    expect(Array.from(out.arg.data as BigInt64Array)).toEqual([1n]);
    expect(Array.from(out.big.data as Uint8Array)).toEqual([0, 1]);
  });
});

function randomData(rows: number, cols: number, seed: number): Matrix {
  const random = new SeededRandom(seed);
  return matrix(
    rows,
    cols,
    Array.from({ length: rows * cols }, (_, i) => random.normal(i % cols, 1 + (i % cols) * 10)),
  );
}

function expectClose(actual: Float32Array, expected: Float64Array, relative = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    expect(Math.abs(a - e)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(e)));
  });
}

describe('trained networks exported to ONNX agree with the TypeScript forward pass', () => {
  const x = randomData(200, 4, 1);
  const target = matrix(
    200,
    1,
    Array.from({ length: 200 }, (_, r) => Math.sin(x.values[r * 4]) * 5 + x.values[r * 4 + 1] * 0.1),
  );
  const labels = Array.from({ length: 200 }, (_, r) =>
    x.values[r * 4] + x.values[r * 4 + 2] / 20 > 0.5 ? 1 : 0,
  );
  const classes = Array.from({ length: 200 }, (_, r) =>
    x.values[r * 4] > 1 ? 2 : x.values[r * 4] > -0.5 ? 1 : 0,
  );
  const networks: [string, DenseNetwork][] = [
    ['ridge regression', fitRidgeRegression(x, target).network],
    ['logistic regression', fitLogisticRegression(x, labels, { epochs: 5, initSeed: 1 }).network],
    [
      'tanh MLP regressor',
      fitMlpRegressor(x, target, { hidden: 6, activation: 'tanh', epochs: 5, initSeed: 2 }).network,
    ],
    [
      'relu MLP classifier',
      fitMlpClassifier(x, classes, 3, { hidden: 5, activation: 'relu', epochs: 5, initSeed: 3 }).network,
    ],
  ];

  describe.each(networks)('%s', (_name, network) => {
    it.each(['nodes', 'folded'] as const)('with normalisation as %s', async (normalization) => {
      const bytes = exportNetwork(network, { graphName: 'net', normalization });
      const insight = inspectModel(bytes);
      expect(insight.operatorHistogram.Sub ?? 0).toBe(normalization === 'nodes' ? 1 : 0);
      const out = await run(bytes, {
        input: new Tensor('float32', Float32Array.from(x.values), [x.rows, x.cols]),
      });
      expectClose(out.output.data as Float32Array, predict(network, x).values);
    });
  });
});
