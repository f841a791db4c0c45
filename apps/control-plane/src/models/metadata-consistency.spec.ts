import fc from 'fast-check';
import { modelMetadataSchema } from '@polis/contracts';
import { type Dim, OnnxGraphBuilder, describeModel } from '@polis/onnx';
import { findMetadataMismatches, findShapeMismatches } from './metadata-consistency';

function insight() {
  const b = new OnnxGraphBuilder('m');
  const x = b.input('x', 'float32', ['batch', 3]);
  b.op('Relu', [x], undefined, 'y');
  b.output('y', 'float32', ['batch', 3]);
  return describeModel(b.build());
}

function metadata(inputs: unknown[], outputs: unknown[], dimensionBindings?: unknown) {
  return modelMetadataSchema.parse({
    task: 'regression',
    siteKinds: ['central'],
    telemetry: [],
    inputs,
    outputs,
    resources: { cpuMillicores: 1, memoryMiB: 1 },
    latencySloMs: 10,
    dimensionBindings,
  });
}

const port = (name: string, elementType = 'float32', shape: unknown[] = ['batch', 3]) => ({
  name,
  elementType,
  shape,
});

describe(findMetadataMismatches.name, () => {
  it('accepts ports that match the graph, and no ports at all', () => {
    expect(findMetadataMismatches(metadata([port('x')], [port('y')]), insight())).toEqual([]);
    expect(findMetadataMismatches(metadata([], []), insight())).toEqual([]);
  });

  it('names each port that is missing, mistyped or of another rank', () => {
    const problems = findMetadataMismatches(
      metadata([port('x', 'int64'), port('z')], [port('y', 'float32', [3])]),
      insight(),
    );
    expect(problems).toEqual([
      'metadata.inputs.0: "x" is float32, not int64',
      'metadata.inputs.1: the model has no input "z" (it has: x)',
      'metadata.outputs.0: "y" has rank 2, not 1',
    ]);
  });

  it('names the port and dimension whose fixed size differs from the graph', () => {
    const problems = findMetadataMismatches(metadata([port('x', 'float32', ['batch', 6])], []), insight());
    expect(problems).toEqual(['metadata.inputs.0.shape.1: "x" dimension 1 is 3 in the graph, not 6']);
  });

  it('matches a symbolic dimension by name, or by a binding in the metadata', () => {
    const renamed = metadata([port('x', 'float32', ['n', 3])], [port('y', 'float32', ['n', 3])]);
    expect(findMetadataMismatches(renamed, insight())).toEqual([
      'metadata.inputs.0.shape.0: "x" dimension 0 is "batch" in the graph, not "n" (use the graph\'s name, or bind it: dimensionBindings.batch)',
      'metadata.outputs.0.shape.0: "y" dimension 0 is "batch" in the graph, not "n" (use the graph\'s name, or bind it: dimensionBindings.batch)',
    ]);
    const bound = metadata([port('x', 'float32', ['n', 3])], [port('y', 'float32', ['n', 3])], {
      batch: 'n',
    });
    expect(findMetadataMismatches(bound, insight())).toEqual([]);
    const fixed = metadata([port('x', 'float32', [1, 3])], [port('y', 'float32', [4, 3])], { batch: 1 });
    expect(findMetadataMismatches(fixed, insight())).toEqual([
      'metadata.outputs.0.shape.0: "y" dimension 0 is "batch" in the graph, bound to 1 by dimensionBindings, not 4',
    ]);
  });

  it('refuses a binding for a dimension the graph does not have', () => {
    expect(findMetadataMismatches(metadata([port('x')], [], { bacth: 1 }), insight())).toEqual([
      'metadata.dimensionBindings.bacth: the graph\'s inputs and outputs have no dimension "bacth" (they have: batch)',
    ]);
  });
});

const symbol = fc.constantFrom('batch', 'sequence', 'N', 'time');
const graphDim: fc.Arbitrary<Dim> = fc.oneof(fc.integer({ min: 1, max: 64 }), symbol, fc.constant('?'));
const portDim = fc.oneof(fc.integer({ min: 0, max: 64 }), symbol);

describe(findShapeMismatches.name, () => {
  it('accepts a port that copies the graph shape, whatever it puts where the graph says "?"', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(graphDim, portDim), { maxLength: 8 }), (pairs) => {
        const graph = pairs.map(([g]) => g);
        const shape = pairs.map(([g, p]) => (g === '?' ? p : g));
        expect(findShapeMismatches('f', { name: 'p', shape }, graph)).toEqual([]);
      }),
    );
  });

  it('reports exactly the dimensions changed from a graph shape, by index', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 64 }), symbol), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (graph, flips) => {
          // A different size for a fixed dim, a different name (a size for a symbolic dim).
          const shape = graph.map((d, i) => (flips[i] ? (typeof d === 'number' ? d + 1 : 7) : d));
          const problems = findShapeMismatches('f', { name: 'p', shape }, graph);
          const flipped = graph.map((_, i) => i).filter((i) => flips[i]);
          expect(problems.map((p) => Number(/^f\.shape\.(\d+):/.exec(p)?.[1]))).toEqual(flipped);
        },
      ),
    );
  });

  it('accepts any renaming or fixing of symbolic dimensions once each is bound', () => {
    fc.assert(
      fc.property(fc.array(symbol, { minLength: 1, maxLength: 8 }), portDim, (graph, target) => {
        const bindings = Object.fromEntries(graph.map((s) => [s, target]));
        const shape = graph.map(() => target);
        expect(findShapeMismatches('f', { name: 'p', shape }, graph, bindings)).toEqual([]);
      }),
    );
  });

  it('checks only the rank when the ranks differ, and nothing when the graph declares no shape', () => {
    expect(findShapeMismatches('f', { name: 'p', shape: [1, 2] }, [1])).toEqual(['f: "p" has rank 1, not 2']);
    expect(findShapeMismatches('f', { name: 'p', shape: [1, 2] }, undefined)).toEqual([]);
  });
});
