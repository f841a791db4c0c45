import type { ModelMetadata } from '@polis/contracts';
import type { ModelInsight, ValueSignature } from '@polis/onnx';

type Port = ModelMetadata['inputs'][number];

function portMismatches(side: 'inputs' | 'outputs', declared: Port[], actual: ValueSignature[]): string[] {
  const byName = new Map(actual.map((v) => [v.name, v]));
  return declared.flatMap((port, i): string[] => {
    const field = `metadata.${side}.${i}`;
    const value = byName.get(port.name);
    if (!value) {
      const names = actual.map((v) => v.name).join(', ') || 'none';
      return [`${field}: the model has no ${side.slice(0, -1)} "${port.name}" (it has: ${names})`];
    }
    const problems: string[] = [];
    if (value.elementType !== port.elementType) {
      problems.push(`${field}: "${port.name}" is ${value.elementType ?? 'untyped'}, not ${port.elementType}`);
    }
    if (value.shape && value.shape.length !== port.shape.length) {
      problems.push(`${field}: "${port.name}" has rank ${value.shape.length}, not ${port.shape.length}`);
    }
    return problems;
  });
}

/**
 * Where the operator's description of inputs and outputs contradicts the graph. The runtime wires telemetry
 * to inputs by these names, so a port that does not exist would only fail later, on a site.
 */
export function findMetadataMismatches(metadata: ModelMetadata, insight: ModelInsight): string[] {
  return [
    ...portMismatches('inputs', metadata.inputs, insight.inputs),
    ...portMismatches('outputs', metadata.outputs, insight.outputs),
  ];
}
