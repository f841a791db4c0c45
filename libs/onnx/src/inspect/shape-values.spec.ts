import fc from 'fast-check';
import { OnnxGraphBuilder, attr } from '../build/graph-builder';
import { decodeModel, encodeModel } from '../proto/codec';
import { ATTRIBUTE_TYPE } from '../proto/onnx-types';
import { describeModel } from './inspect-model';
import { sliceRange } from './shape-values';

const ints = (...values: number[]) => BigInt64Array.from(values.map(BigInt));
const INT64_MIN_PLUS_ONE = -(2n ** 63n) + 1n;

describe('folding shape computations', () => {
  /** torch's x.view(x.size(0), -1) @ W: Shape -> Gather -> Unsqueeze -> Concat -> Reshape -> MatMul. */
  function flattenThenMatMul(): Uint8Array {
    const b = new OnnxGraphBuilder('view');
    const x = b.input('x', 'float32', ['batch', 3, 4]);
    const size = b.op('Shape', [x]);
    const first = b.op('Gather', [size, b.initializer('zero', ints(0), [])], { axis: attr.int(0) });
    const batch = b.op('Unsqueeze', [first, b.initializer('axes', ints(0), [1])]);
    const target = b.op('Concat', [batch, b.initializer('rest', ints(-1), [1])], { axis: attr.int(0) });
    const flat = b.op('Reshape', [x, target]);
    b.op('MatMul', [flat, b.initializer('w', new Float32Array(24), [12, 2])], undefined, 'y');
    b.output('y', 'float32', ['batch', 2]);
    return b.build();
  }

  it('carries Shape values through Gather, Unsqueeze and Concat to the Reshape target', () => {
    const insight = describeModel(flattenThenMatMul());
    expect(insight.unestimatedOperators).toEqual([]);
    expect(insight.flopsByOperator.MatMul).toBe(2 * 1 * 12 * 2);
    expect(insight.estimatedFor).toEqual({ x: [1, 3, 4] });
  });

  it('estimates for the input shapes it is given, e.g. a sample batch of 5', () => {
    const insight = describeModel(flattenThenMatMul(), { inputShapes: { x: [5, 3, 4] } });
    expect(insight.flopsByOperator.MatMul).toBe(2 * 5 * 12 * 2);
    expect(insight.estimatedFor).toEqual({ x: [5, 3, 4] });
  });

  it("folds torch's pad idiom (ConstantOfShape, Reshape, reversed Slice, Transpose) into Pad's pads", () => {
    // F.pad(x, (2, 3)) on x [1, 1, 8]: pads [2, 3, 0, 0, 0, 0] -> [[2,3],[0,0],[0,0]] reversed, transposed, flat.
    const b = new OnnxGraphBuilder('pad');
    const x = b.input('x', 'float32', [1, 1, 8]);
    const zeros = b.op('ConstantOfShape', [b.initializer('four', ints(4), [1])], undefined, 'zeros');
    const listed = b.op('Concat', [b.initializer('given', ints(2, 3), [2]), zeros], { axis: attr.int(0) });
    const pairs = b.op('Reshape', [listed, b.initializer('pair', ints(-1, 2), [2])]);
    const reversed = b.op('Slice', [
      pairs,
      b.initializer('starts', ints(-1), [1]),
      b.initializer('ends', BigInt64Array.of(INT64_MIN_PLUS_ONE), [1]),
      b.initializer('axes0', ints(0), [1]),
      b.initializer('steps', ints(-1), [1]),
    ]);
    const columns = b.op('Transpose', [reversed], { perm: attr.ints([1, 0]) });
    const pads = b.op('Cast', [b.op('Reshape', [columns, b.initializer('flat', ints(-1), [1])])], {
      to: attr.int(7),
    });
    b.op('Relu', [b.op('Pad', [x, pads])], undefined, 'y');
    b.output('y', 'float32', [1, 1, 13]);
    const model = decodeModel(b.build());
    // ConstantOfShape fills with an int64 zero, as torch exports it.
    const node = model.graph!.node!.find((n) => n.opType === 'ConstantOfShape')!;
    node.attribute = [
      { name: 'value', type: ATTRIBUTE_TYPE.TENSOR, t: { dims: [1], dataType: 7, int64Data: [0] } },
    ];
    const insight = describeModel(encodeModel(model));
    expect(insight.unestimatedOperators).toEqual([]);
    expect(insight.flopsByOperator.Relu).toBe(1 * 1 * (2 + 8 + 3));
  });
});

describe(sliceRange.name, () => {
  it('keeps the indices Array.prototype.slice keeps for step 1 (the same clamping rules)', () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: -30, max: 30 }),
        (size, s, e) => {
          expect(sliceRange(size, s, e, 1)).toEqual([...Array(size).keys()].slice(s, e));
        },
      ),
    );
  });

  it('walks backwards for negative steps, to before the start for the "whole axis" idiom', () => {
    expect(sliceRange(4, -1, Number(INT64_MIN_PLUS_ONE), -1)).toEqual([3, 2, 1, 0]);
    expect(sliceRange(6, 5, 0, -2)).toEqual([5, 3, 1]);
    expect(sliceRange(6, 0, 6, 2)).toEqual([0, 2, 4]);
    expect(sliceRange(6, 0, 6, 0)).toBeUndefined();
  });
});
