import { contribModel, ifModel, loopModel, scanModel } from '../../../../test/models/control-flow-models';
import { OnnxGraphBuilder, attr } from '../build/graph-builder';
import { decodeModel, encodeModel } from '../proto/codec';
import { describeModel } from './inspect-model';

describe('inspection of subgraphs (If, Loop, Scan) and contrib operators', () => {
  it('If: counts both branches in the histogram and the costlier one in FLOPs, saying so', () => {
    const insight = describeModel(ifModel());
    expect(insight.operatorHistogram).toEqual({ If: 1, MatMul: 1, Relu: 1, Concat: 1 });
    expect(insight.nodeCount).toBe(4);
    expect(insight.subgraphCount).toBe(2);
    expect(insight.initializerBytes).toBe(4 * 8 * 4); // W lives in then_branch
    expect(insight.estimatedFlops).toBe(2 * 4 * 8 + 8);
    expect(insight.flopsByOperator).toEqual({ MatMul: 64, Relu: 8, If: 0 }); // the branch counted
    expect(insight.unestimatedOperators).toEqual([]);
    expect(insight.dataDependentEstimates).toEqual([
      {
        node: 'If_0',
        opType: 'If',
        assumption:
          'the branch is chosen at run time by "flag": counted as the costlier then_branch (72 FLOPs; else_branch: 0 FLOPs), an upper bound',
      },
    ]);
    // Inputs x (16 B) and flag (1 B), output y (32 B), and then_branch at its peak: MatMul and Relu outputs (64 B).
    expect(insight.peakActivationBytes).toBe(16 + 1 + 32 + 64);
  });

  it('If with a constant condition: exactly the branch taken, no data dependence', () => {
    const model = decodeModel(ifModel());
    const graph = model.graph!;
    graph.input = graph.input!.filter((i) => i.name !== 'flag');
    graph.initializer!.push({ name: 'flag', dims: [], dataType: 9, rawData: Uint8Array.of(0) }); // bool false
    const insight = describeModel(encodeModel(model));
    expect(insight.estimatedFlops).toBe(0); // else_branch: Concat
    expect(insight.dataDependentEstimates).toEqual([]);
  });

  it('Loop with a constant trip count: the body times the count, exact', () => {
    const insight = describeModel(loopModel(3));
    expect(insight.operatorHistogram).toEqual({ Loop: 1, Identity: 1, Add: 1, Mul: 1 });
    expect(insight.estimatedFlops).toBe(3 * (4 + 4));
    expect(insight.flopsByOperator).toMatchObject({ Add: 12, Mul: 12 });
    expect(insight.dataDependentEstimates).toEqual([]);
    expect(describeModel(loopModel(10)).estimatedFlops).toBe(10 * 8);
  });

  it('Loop with a run-time trip count: one iteration, and the note gives the per-iteration cost', () => {
    const insight = describeModel(loopModel('input'));
    expect(insight.estimatedFlops).toBe(8);
    expect(insight.dataDependentEstimates).toEqual([
      {
        node: 'Loop_0',
        opType: 'Loop',
        assumption:
          'the trip count "steps" is only known at run time; counted as 1 iteration (one iteration costs 8 FLOPs)',
      },
    ]);
  });

  it('Loop whose trip count is the INT64_MAX "no limit" sentinel is treated as unknown, not as 9e18 iterations', () => {
    const model = decodeModel(loopModel(3));
    const trips = model.graph!.initializer!.find((t) => t.name === 'trips')!;
    const raw = new DataView(new ArrayBuffer(8));
    raw.setBigInt64(0, 2n ** 63n - 1n, true);
    trips.rawData = new Uint8Array(raw.buffer);
    const insight = describeModel(encodeModel(model));
    expect(insight.estimatedFlops).toBe(8);
    expect(insight.dataDependentEstimates[0].assumption).toMatch(
      /"no limit" sentinel.*counted as 1 iteration/,
    );
  });

  it('Scan: the body once per row of the scanned input', () => {
    const insight = describeModel(scanModel());
    expect(insight.operatorHistogram).toEqual({ Scan: 1, Add: 1, Identity: 1 });
    expect(insight.estimatedFlops).toBe(5 * 4);
    expect(insight.dataDependentEstimates).toEqual([]);
  });

  it('nested subgraphs are walked at any depth and named by their path', () => {
    const b = new OnnxGraphBuilder('nested');
    const x = b.input('x', 'float32', [1, 2]);
    const flag = b.input('flag', 'bool', []);
    const outerThen = b.subgraph('then_branch');
    const innerThen = outerThen.subgraph('then_branch');
    innerThen.op('Relu', [x], undefined, 'a');
    innerThen.output('a', 'float32', [1, 2]);
    const innerElse = outerThen.subgraph('else_branch');
    innerElse.op('Neg', [x], undefined, 'b');
    innerElse.output('b', 'float32', [1, 2]);
    outerThen.node('If', [flag], {
      name: 'inner',
      attributes: { then_branch: attr.graph(innerThen), else_branch: attr.graph(innerElse) },
      outputs: ['c'],
    });
    outerThen.output('c', 'float32', [1, 2]);
    const outerElse = b.subgraph('else_branch');
    outerElse.op('Identity', [x], undefined, 'd');
    outerElse.output('d', 'float32', [1, 2]);
    b.node('If', [flag], {
      name: 'outer',
      attributes: { then_branch: attr.graph(outerThen), else_branch: attr.graph(outerElse) },
      outputs: ['y'],
    });
    b.output('y', 'float32', [1, 2]);
    const insight = describeModel(b.build());
    expect(insight.operatorHistogram).toEqual({ If: 2, Relu: 1, Neg: 1, Identity: 1 });
    expect(insight.subgraphCount).toBe(4);
    expect(insight.dataDependentEstimates.map((d) => d.node)).toEqual(['outer', 'outer/then_branch/inner']);
  });

  it('com.microsoft operators are counted under their domain and estimated where a rule exists', () => {
    const insight = describeModel(contribModel());
    expect(insight.operatorHistogram).toEqual({ 'com.microsoft::FusedMatMul': 1, 'com.microsoft::Gelu': 1 });
    expect(insight.opsetImports).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(insight.flopsByOperator).toEqual({ 'com.microsoft::FusedMatMul': 24, 'com.microsoft::Gelu': 3 });
    const model = decodeModel(contribModel());
    model.graph!.node![1].opType = 'SkipLayerNormalization';
    expect(describeModel(encodeModel(model)).unestimatedOperators).toEqual([
      'com.microsoft::SkipLayerNormalization',
    ]);
  });

  it('a value read only inside a subgraph stays alive until that node runs', () => {
    const b = new OnnxGraphBuilder('late-use');
    const x = b.input('x', 'float32', [1, 1000]);
    const z = b.input('z', 'float32', [1, 1]);
    const flag = b.input('flag', 'bool', []);
    b.op('Neg', [z]);
    const then = b.subgraph('then_branch');
    then.op('Identity', [x], undefined, 'a');
    then.output('a', 'float32', [1, 1000]);
    const otherwise = b.subgraph('else_branch');
    otherwise.op('Neg', [x], undefined, 'b');
    otherwise.output('b', 'float32', [1, 1000]);
    b.node('If', [flag], {
      attributes: { then_branch: attr.graph(then), else_branch: attr.graph(otherwise) },
      outputs: ['y'],
    });
    b.output('y', 'float32', [1, 1000]);
    // At the If: x (only its branches read it), flag, y and a branch's own output.
    expect(describeModel(b.build()).peakActivationBytes).toBe(4000 + 1 + 4000 + 4000);
  });
});
