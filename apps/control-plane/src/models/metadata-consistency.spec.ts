import { modelMetadataSchema } from '@polis/contracts';
import { OnnxGraphBuilder, describeModel } from '@polis/onnx';
import { findMetadataMismatches } from './metadata-consistency';

function insight() {
  const b = new OnnxGraphBuilder('m');
  const x = b.input('x', 'float32', ['batch', 3]);
  b.op('Relu', [x], undefined, 'y');
  b.output('y', 'float32', ['batch', 3]);
  return describeModel(b.build());
}

function metadata(inputs: unknown[], outputs: unknown[]) {
  return modelMetadataSchema.parse({
    task: 'regression',
    siteKinds: ['central'],
    telemetry: [],
    inputs,
    outputs,
    resources: { cpuMillicores: 1, memoryMiB: 1 },
    latencySloMs: 10,
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
});
