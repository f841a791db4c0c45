import { bytesFor, elementTypeName } from '../proto/element-types';
import { isDefaultDomain, operatorKey } from '../support';
import type { Graph, Tensor, ValueInfo } from '../proto/onnx-types';
import { analyseControlFlow, hasSubgraphs, subgraphsOf } from './control-flow';
import type { GraphCost, Scope, SubgraphBinding } from './graph-cost';
import type { DataDependentEstimate } from './model-insight';
import { NodeView } from './node-view';
import { ruleFor } from './op-rules';
import { foldShapeValue } from './shape-values';
import { tensorInts } from './tensor-data';
import { elementCount, type TensorInfo } from './tensor-info';

export type { GraphCost, Scope, SubgraphBinding } from './graph-cost';

const EMPTY_SCOPE: Scope = { shapes: new Map(), constants: new Map() };

/** Binds a declared value's shape with symbolic and unknown dims taken as 1 (batch of one). */
export function concreteInfo(value: ValueInfo): TensorInfo | undefined {
  const tensorType = value.type?.tensorType;
  const type = elementTypeName(tensorType?.elemType);
  if (!type || !tensorType?.shape) return undefined;
  const dims = (tensorType.shape.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : 1,
  );
  return { type, dims };
}

function initializerInfo(tensor: Tensor): TensorInfo | undefined {
  const type = elementTypeName(tensor.dataType);
  return type ? { type, dims: tensor.dims ?? [] } : undefined;
}

function infoBytes(info: TensorInfo | undefined): number {
  return info ? bytesFor(info.type, elementCount(info.dims)) : 0;
}

function plausible(flops: number, outputs: readonly (TensorInfo | undefined)[]): boolean {
  const sane = (n: number) => Number.isFinite(n) && n >= 0;
  return sane(flops) && outputs.every((o) => !o || o.dims.every(sane));
}

function addInto(target: Record<string, number>, source: Readonly<Record<string, number>>, times = 1): void {
  for (const [op, flops] of Object.entries(source)) target[op] = (target[op] ?? 0) + flops * times;
}

/**
 * Propagates shapes through the nodes in their stored (topological) order, summing the FLOPs of each node, and
 * tracks which activations are alive after each node to find the peak activation footprint. Subgraphs (If,
 * Loop, Scan, ...) are analysed with the enclosing values in scope; their nodes count under their own operators.
 */
export function analyseGraph(
  graph: Graph,
  binding: SubgraphBinding = { outer: EMPTY_SCOPE, path: '' },
): GraphCost {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const shapes = new Map(binding.outer.shapes);
  const constants = new Map(binding.outer.constants);
  for (const [name, tensor] of initializers) {
    const info = initializerInfo(tensor);
    if (info) shapes.set(name, info);
    const ints = tensorInts(tensor);
    if (ints) constants.set(name, ints);
  }
  const declared = new Map<string, TensorInfo>();
  /** Declared shapes with a symbolic or unknown dim: our inference, when it has one, knows more. */
  const loose = new Set<string>();
  for (const value of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const info = concreteInfo(value);
    if (!info || !value.name) continue;
    declared.set(value.name, info);
    const dims = value.type?.tensorType?.shape?.dim ?? [];
    if (dims.some((d) => d.dimValue === undefined || d.dimValue < 1)) loose.add(value.name);
  }
  (graph.input ?? []).forEach((input, i) => {
    const info = binding.inputs?.[i] ?? (input.name ? declared.get(input.name) : undefined);
    if (info && input.name && !initializers.has(input.name)) shapes.set(input.name, info);
  });

  const nodes = (graph.node ?? []).map((n) => new NodeView(n));
  const flopsByOperator: Record<string, number> = {};
  const unestimated = new Set<string>();
  const dataDependent: DataDependentEstimate[] = [];
  const subgraphPeaks = new Map<number, number>();
  let estimatedFlops = 0;
  nodes.forEach((node, index) => {
    const inputs = node.inputs.map((name) => (name === '' ? undefined : shapes.get(name)));
    let outputs: (TensorInfo | undefined)[] | undefined;
    if (hasSubgraphs(node)) {
      const nodePath = `${binding.path}${node.node.name || `${node.opType}#${index}`}`;
      const result = analyseControlFlow(node, inputs, { shapes, constants }, nodePath, analyseGraph);
      estimatedFlops += result.estimatedFlops;
      addInto(flopsByOperator, result.flopsByOperator);
      flopsByOperator[operatorKey(node.node.domain, node.opType)] ??= 0;
      result.unestimatedOperators.forEach((op) => unestimated.add(op));
      dataDependent.push(...result.dataDependent);
      subgraphPeaks.set(index, result.peakActivationBytes);
      outputs = result.outputs;
    } else {
      const rule = ruleFor(node.node.domain, node.opType);
      const raw = rule?.({
        node,
        inputs,
        constantInts: (name) => (name === undefined ? undefined : constants.get(name)),
      });
      // With symbolic dims bound to 1, a window can come out larger than its input: no estimate beats a wrong one.
      const result = raw && plausible(raw.flops, raw.outputs) ? raw : undefined;
      const key = operatorKey(node.node.domain, node.opType);
      if (!result) unestimated.add(key);
      const flops = result?.flops ?? 0;
      estimatedFlops += flops;
      flopsByOperator[key] = (flopsByOperator[key] ?? 0) + flops;
      outputs = result?.outputs;
    }
    node.outputs.forEach((name, i) => {
      // A fully static declared shape wins over our inference: the exporter knew more than we do.
      const inferred = outputs?.[i];
      const info = inferred && loose.has(name) ? inferred : (declared.get(name) ?? inferred);
      if (info && name) shapes.set(name, info);
    });
    const constantTensor = node.opType === 'Constant' ? node.attribute('value')?.t : undefined;
    const ints = constantTensor
      ? tensorInts(constantTensor)
      : isDefaultDomain(node.node.domain)
        ? foldShapeValue({ node, inputs, value: (i) => constants.get(node.input(i) ?? '') })
        : undefined;
    if (ints && node.outputs[0]) constants.set(node.outputs[0], ints);
  });

  return {
    estimatedFlops,
    flopsByOperator,
    unestimatedOperators: [...unestimated].sort(),
    peakActivationBytes: peakActivations(graph, nodes, shapes, initializers, subgraphPeaks),
    dataDependent,
    outputs: (graph.output ?? []).map((o) => shapes.get(o.name ?? '') ?? concreteInfo(o)),
  };
}

/** Names a node reads, including those its subgraphs read from the enclosing scope (they keep values alive). */
function consumedNames(node: NodeView): string[] {
  if (!hasSubgraphs(node)) return node.inputs;
  return [...node.inputs, ...subgraphsOf(node).flatMap((g) => [...outerReferences(g)])];
}

/** Values a graph (and its own subgraphs) reads without defining them: its references to enclosing scopes. */
export function outerReferences(graph: Graph): Set<string> {
  const defined = new Set<string>([
    ...(graph.input ?? []).map((v) => v.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
  ]);
  const references = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const name of consumedNames(new NodeView(node)))
      if (name && !defined.has(name)) references.add(name);
    for (const name of node.output ?? []) defined.add(name);
  }
  for (const output of graph.output ?? []) {
    if (output.name && !defined.has(output.name)) references.add(output.name);
  }
  return references;
}

function peakActivations(
  graph: Graph,
  nodes: NodeView[],
  shapes: ReadonlyMap<string, TensorInfo>,
  initializers: ReadonlyMap<string, Tensor>,
  subgraphPeaks: ReadonlyMap<number, number>,
): number {
  const lastUse = new Map<string, number>();
  nodes.forEach((node, index) => consumedNames(node).forEach((name) => lastUse.set(name, index)));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const live = new Map<string, number>();
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (!initializers.has(name)) live.set(name, infoBytes(shapes.get(name)));
  }
  const liveBytes = (): number => [...live.values()].reduce((sum, b) => sum + b, 0);
  let peak = liveBytes();
  nodes.forEach((node, index) => {
    for (const name of node.outputs) if (name) live.set(name, infoBytes(shapes.get(name)));
    // Inputs and outputs of a node coexist while it runs, with whatever its subgraph holds at its own peak.
    peak = Math.max(peak, liveBytes() + (subgraphPeaks.get(index) ?? 0));
    for (const name of [...live.keys()]) {
      if (!graphOutputs.has(name) && (lastUse.get(name) ?? -1) <= index) live.delete(name);
    }
  });
  return peak;
}
