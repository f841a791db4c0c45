import { bytesFor, elementTypeName } from '../proto/element-types';
import type { Graph, Tensor, ValueInfo } from '../proto/onnx-types';
import { isDefaultDomain } from '../support';
import { NodeView } from './node-view';
import { OP_RULES } from './op-rules';
import { tensorInts } from './tensor-data';
import { elementCount, type TensorInfo } from './tensor-info';

export interface GraphCost {
  estimatedFlops: number;
  flopsByOperator: Record<string, number>;
  unestimatedOperators: string[];
  peakActivationBytes: number;
}

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

/**
 * Propagates shapes through the nodes in their stored (topological) order, summing the FLOPs of each node, and
 * tracks which activations are alive after each node to find the peak activation footprint.
 */
export function analyseGraph(graph: Graph): GraphCost {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const shapes = new Map<string, TensorInfo>();
  const constants = new Map<string, number[]>();
  for (const [name, tensor] of initializers) {
    const info = initializerInfo(tensor);
    if (info) shapes.set(name, info);
    const ints = tensorInts(tensor);
    if (ints) constants.set(name, ints);
  }
  const declared = new Map<string, TensorInfo>();
  for (const value of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const info = concreteInfo(value);
    if (info && value.name) declared.set(value.name, info);
  }
  for (const input of graph.input ?? []) {
    const info = input.name ? declared.get(input.name) : undefined;
    if (info && input.name && !initializers.has(input.name)) shapes.set(input.name, info);
  }

  const nodes = (graph.node ?? []).map((n) => new NodeView(n));
  const flopsByOperator: Record<string, number> = {};
  const unestimated = new Set<string>();
  let estimatedFlops = 0;
  for (const node of nodes) {
    const rule = isDefaultDomain(node.node.domain) ? OP_RULES.get(node.opType) : undefined;
    const result = rule?.({
      node,
      inputs: node.inputs.map((name) => (name === '' ? undefined : shapes.get(name))),
      constantInts: (name) => (name === undefined ? undefined : constants.get(name)),
    });
    if (!result) unestimated.add(node.opType);
    const flops = result?.flops ?? 0;
    estimatedFlops += flops;
    flopsByOperator[node.opType] = (flopsByOperator[node.opType] ?? 0) + flops;
    node.outputs.forEach((name, i) => {
      // A declared value_info wins over our inference: the exporter knew more than we do.
      const info = declared.get(name) ?? result?.outputs[i];
      if (info && name) shapes.set(name, info);
    });
    const constantTensor = node.opType === 'Constant' ? node.attribute('value')?.t : undefined;
    const ints = constantTensor ? tensorInts(constantTensor) : undefined;
    if (ints && node.outputs[0]) constants.set(node.outputs[0], ints);
  }

  return {
    estimatedFlops,
    flopsByOperator,
    unestimatedOperators: [...unestimated].sort(),
    peakActivationBytes: peakActivations(graph, nodes, shapes, initializers),
  };
}

function peakActivations(
  graph: Graph,
  nodes: NodeView[],
  shapes: ReadonlyMap<string, TensorInfo>,
  initializers: ReadonlyMap<string, Tensor>,
): number {
  const lastUse = new Map<string, number>();
  nodes.forEach((node, index) => node.inputs.forEach((name) => lastUse.set(name, index)));
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
    // Inputs and outputs of a node coexist while it runs, so measure before releasing anything.
    peak = Math.max(peak, liveBytes());
    for (const name of [...live.keys()]) {
      if (!graphOutputs.has(name) && (lastUse.get(name) ?? -1) <= index) live.delete(name);
    }
  });
  return peak;
}
