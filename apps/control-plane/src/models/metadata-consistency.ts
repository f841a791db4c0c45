import type { ModelMetadata } from '@polis/contracts';
import type { Dim, ModelInsight, ValueSignature } from '@polis/onnx';

type Port = ModelMetadata['inputs'][number];
type PortDim = Port['shape'][number];
type Bindings = Readonly<Record<string, PortDim>>;

const show = (d: Dim): string => (typeof d === 'number' ? String(d) : `"${d}"`);

/**
 * One dimension of a port against the graph's. A graph dimension left unknown ("?") accepts anything; a fixed
 * one must be declared with the same size; a symbolic one must be declared with the same name, or with what
 * `dimensionBindings` says it stands for (a size or another name).
 */
function dimensionProblem(graphDim: Dim, portDim: PortDim, bindings: Bindings): string | undefined {
  if (graphDim === '?') return undefined;
  if (typeof graphDim === 'number') {
    return portDim === graphDim ? undefined : `is ${graphDim} in the graph, not ${show(portDim)}`;
  }
  const bound = Object.hasOwn(bindings, graphDim) ? bindings[graphDim] : undefined;
  if (bound !== undefined) {
    return portDim === bound
      ? undefined
      : `is "${graphDim}" in the graph, bound to ${show(bound)} by dimensionBindings, not ${show(portDim)}`;
  }
  if (portDim === graphDim) return undefined;
  return (
    `is "${graphDim}" in the graph, not ${show(portDim)} ` +
    `(use the graph's name, or bind it: dimensionBindings.${graphDim})`
  );
}

/** Where a port's declared shape contradicts the graph's, one message per dimension, naming port and index. */
export function findShapeMismatches(
  field: string,
  port: Pick<Port, 'name' | 'shape'>,
  graphShape: readonly Dim[] | undefined,
  bindings: Bindings = {},
): string[] {
  if (!graphShape) return []; // the graph declares no shape: nothing to compare against
  if (graphShape.length !== port.shape.length) {
    return [`${field}: "${port.name}" has rank ${graphShape.length}, not ${port.shape.length}`];
  }
  return port.shape.flatMap((portDim, i) => {
    const problem = dimensionProblem(graphShape[i], portDim, bindings);
    return problem ? [`${field}.shape.${i}: "${port.name}" dimension ${i} ${problem}`] : [];
  });
}

function portMismatches(
  side: 'inputs' | 'outputs',
  declared: Port[],
  actual: ValueSignature[],
  bindings: Bindings,
): string[] {
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
    problems.push(...findShapeMismatches(field, port, value.shape, bindings));
    return problems;
  });
}

/** A binding for a name no graph port uses is a typo that would silently bind nothing. */
function unusedBindings(bindings: Bindings, insight: ModelInsight): string[] {
  const symbols = new Set(
    [...insight.inputs, ...insight.outputs].flatMap((v) =>
      (v.shape ?? []).filter((d) => typeof d === 'string'),
    ),
  );
  symbols.delete('?');
  return Object.keys(bindings)
    .filter((name) => !symbols.has(name))
    .map(
      (name) =>
        `metadata.dimensionBindings.${name}: the graph's inputs and outputs have no dimension "${name}"` +
        ` (they have: ${[...symbols].join(', ') || 'none'})`,
    );
}

/**
 * Where the operator's description of inputs and outputs contradicts the graph. The runtime wires telemetry
 * to inputs by these names and shapes, so a port that does not exist, or a window of 6 values for an input
 * of 9, would only fail later, on a site.
 */
export function findMetadataMismatches(metadata: ModelMetadata, insight: ModelInsight): string[] {
  const bindings = metadata.dimensionBindings ?? {};
  return [
    ...portMismatches('inputs', metadata.inputs, insight.inputs, bindings),
    ...portMismatches('outputs', metadata.outputs, insight.outputs, bindings),
    ...unusedBindings(bindings, insight),
  ];
}
