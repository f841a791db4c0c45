import { OnnxGraphBuilder, attr, type AttributeValue, type ShapeDim } from '../build/graph-builder';
import { describeModel } from './inspect-model';

const zeros = (...dims: number[]): Float32Array => new Float32Array(dims.reduce((a, b) => a * b, 1));

/** One-node model: input x, the given initializers, then op -> y. */
function singleOp(
  op: string,
  x: ShapeDim[],
  weights: Record<string, number[]>,
  attributes: Record<string, AttributeValue> = {},
  outputs = 1,
): ReturnType<typeof describeModel> {
  const b = new OnnxGraphBuilder(op);
  const input = b.input('x', 'float32', x);
  const names = Object.entries(weights).map(([name, dims]) => b.initializer(name, zeros(...dims), dims));
  const [y] = b.node(op, [input, ...names], { attributes, outputs });
  b.output(y, 'float32', []);
  return describeModel(b.build());
}

describe('FLOPs estimates (multiply-add = 2 FLOPs, symbolic dims = 1)', () => {
  it('Gemm: 2·M·K·N plus M·N for the bias', () => {
    expect(singleOp('Gemm', ['batch', 12], { w: [12, 4], c: [4] }).estimatedFlops).toBe(2 * 12 * 4 + 4);
    expect(singleOp('Gemm', [5, 12], { w: [12, 4] }).estimatedFlops).toBe(2 * 5 * 12 * 4);
  });

  it('Gemm honours transA and transB', () => {
    const insight = singleOp('Gemm', [12, 5], { w: [4, 12] }, { transA: attr.int(1), transB: attr.int(1) });
    expect(insight.estimatedFlops).toBe(2 * 5 * 12 * 4);
  });

  it('MatMul broadcasts batch dimensions', () => {
    expect(singleOp('MatMul', [2, 3, 4], { w: [4, 5] }).estimatedFlops).toBe(2 * 2 * 3 * 4 * 5);
    expect(singleOp('MatMul', [4], { w: [4, 5] }).estimatedFlops).toBe(2 * 4 * 5);
  });

  it('Conv: 2·N·Cout·Hout·Wout·(Cin/group)·kH·kW plus the bias', () => {
    const same = singleOp(
      'Conv',
      [1, 3, 32, 32],
      { w: [8, 3, 3, 3], b: [8] },
      { pads: attr.ints([1, 1, 1, 1]) },
    );
    expect(same.estimatedFlops).toBe(2 * 8 * 32 * 32 * 3 * 9 + 8 * 32 * 32);
    const strided = singleOp('Conv', [1, 3, 32, 32], { w: [8, 3, 3, 3] }, { strides: attr.ints([2, 2]) });
    expect(strided.estimatedFlops).toBe(2 * 8 * 15 * 15 * 3 * 9);
    const depthwise = singleOp(
      'Conv',
      [1, 4, 10, 10],
      { w: [4, 1, 3, 3] },
      { group: attr.int(4), auto_pad: attr.string('SAME_UPPER') },
    );
    expect(depthwise.estimatedFlops).toBe(2 * 4 * 10 * 10 * 1 * 9);
  });

  it('LSTM, GRU and RNN: seq·batch·dirs·(2·gates·H·(I+H) + elementwise·H)', () => {
    const [seq, batch, input, hidden] = [10, 1, 4, 8];
    const lstm = singleOp(
      'LSTM',
      [seq, batch, input],
      { w: [1, 4 * hidden, input], r: [1, 4 * hidden, hidden] },
      { hidden_size: attr.int(hidden) },
      3,
    );
    expect(lstm.estimatedFlops).toBe(seq * (2 * 4 * hidden * (input + hidden) + 17 * hidden));
    const gru = singleOp(
      'GRU',
      [seq, 2, input],
      { w: [2, 3 * hidden, input], r: [2, 3 * hidden, hidden] },
      {},
      2,
    );
    expect(gru.estimatedFlops).toBe(seq * 2 * 2 * (2 * 3 * hidden * (input + hidden) + 14 * hidden));
    const rnn = singleOp(
      'RNN',
      [seq, batch, input],
      { w: [1, hidden, input], r: [1, hidden, hidden] },
      {},
      2,
    );
    expect(rnn.estimatedFlops).toBe(seq * (2 * hidden * (input + hidden) + 3 * hidden));
  });

  it('elementwise ops cost one FLOP per broadcast output element', () => {
    expect(singleOp('Add', ['batch', 3], { c: [3] }).estimatedFlops).toBe(3);
    expect(singleOp('Mul', [4, 1], { c: [1, 5] }).estimatedFlops).toBe(20);
    expect(singleOp('Relu', [2, 7], {}).estimatedFlops).toBe(14);
    expect(singleOp('Sigmoid', [3], {}).estimatedFlops).toBe(3);
  });

  it('propagates shapes through shape-only ops into later costs', () => {
    const b = new OnnxGraphBuilder('chain');
    const x = b.input('x', 'float32', ['batch', 2, 3, 4]);
    const flat = b.op('Flatten', [x]);
    const shape = b.initializer('shape', BigInt64Array.of(-1n, 6n), [2]);
    const reshaped = b.op('Reshape', [flat, shape]);
    const transposed = b.op('Transpose', [reshaped]);
    const w = b.initializer('w', zeros(4, 5), [4, 5]);
    const y = b.op('MatMul', [transposed, w]);
    b.output(y, 'float32', [6, 5]);
    const insight = describeModel(b.build());
    // Flatten -> [1,24], Reshape -> [4,6], Transpose -> [6,4], MatMul [6,4]x[4,5].
    expect(insight.estimatedFlops).toBe(2 * 6 * 4 * 5);
    expect(insight.flopsByOperator).toEqual({ Flatten: 0, Reshape: 0, Transpose: 0, MatMul: 240 });
  });

  it('lists operators it cannot estimate and counts them as zero', () => {
    const insight = singleOp('Mystery', [3], {});
    expect(insight.unestimatedOperators).toEqual(['Mystery']);
    expect(insight.estimatedFlops).toBe(0);
  });
});

describe('peak memory', () => {
  it('is initializers plus the largest set of activations alive at once', () => {
    const b = new OnnxGraphBuilder('mlp');
    const x = b.input('x', 'float32', ['batch', 10]);
    const w1 = b.initializer('w1', zeros(10, 100), [10, 100]);
    const w2 = b.initializer('w2', zeros(100, 2), [100, 2]);
    const h = b.op('MatMul', [x, w1]);
    const a = b.op('Tanh', [h]);
    const y = b.op('MatMul', [a, w2], undefined, 'y');
    b.output(y, 'float32', ['batch', 2]);
    const insight = describeModel(b.build());
    // x (10) freed after the first MatMul; the Tanh step holds h and a (100 + 100 floats) at once.
    expect(insight.peakActivationBytes).toBe((100 + 100) * 4);
    expect(insight.initializerBytes).toBe((1000 + 200) * 4);
    expect(insight.estimatedPeakMemoryBytes).toBe(1200 * 4 + 200 * 4);
  });
});
