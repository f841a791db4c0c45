import { OnnxModelError, type OnnxModelErrorCode } from '../errors';
import { decodeModel } from '../proto/codec';
import { elementTypeName, type ElementType } from '../proto/element-types';
import type { Graph, Tensor, TypeInfo, ValueInfo } from '../proto/onnx-types';
import {
  DEFAULT_ONNX_SUPPORT,
  isDefaultDomain,
  operatorKey,
  splitOperatorKey,
  type OnnxSupportPolicy,
} from '../support';
import { analyseGraph, concreteInfo } from './graph-analysis';
import type { Dim, ModelInsight, ValueKind, ValueSignature } from './model-insight';
import { externalReference, isExternal, tensorBytes } from './tensor-data';

function kindOf(type: TypeInfo | undefined): ValueKind {
  if (type?.tensorType) return 'tensor';
  if (type?.sequenceType) return 'sequence';
  if (type?.mapType) return 'map';
  if (type?.optionalType) return 'optional';
  if (type?.sparseTensorType) return 'sparse-tensor';
  return 'unknown';
}

function signature(value: ValueInfo): ValueSignature {
  const tensorType = value.type?.tensorType;
  const shape = tensorType?.shape?.dim?.map((d): Dim => d.dimValue ?? (d.dimParam || '?'));
  return {
    name: value.name ?? '',
    kind: kindOf(value.type),
    elementType: elementTypeName(tensorType?.elemType),
    // A shape message with no dims is a scalar; no shape message at all is an unknown rank.
    shape: tensorType?.shape ? (shape ?? []) : undefined,
  };
}

/** The graph and every graph nested in its nodes' attributes, depth first. */
function allGraphs(graph: Graph): Graph[] {
  const nested = (graph.node ?? []).flatMap((node) =>
    (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]),
  );
  return [graph, ...nested.flatMap(allGraphs)];
}

/**
 * Reads a model's structure, cost and memory without running it. Throws OnnxModelError only for files that
 * are not a usable ONNX model at all (not-onnx, truncated, empty-graph); see inspectModel for policy checks.
 */
export interface DescribeOptions {
  /**
   * Concrete dims of some inputs (e.g. the operator's sample) for the cost estimates; the other inputs get their
   * declared shapes with symbolic and unknown dims bound to 1.
   */
  inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export function describeModel(bytes: Uint8Array, options: DescribeOptions = {}): ModelInsight {
  const model = decodeModel(bytes);
  const graph = model.graph;
  const nodes = graph?.node ?? [];
  if (!graph || nodes.length === 0) throw new OnnxModelError('empty-graph', 'the model graph has no nodes');

  const graphs = allGraphs(graph);
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const initializers: Tensor[] = graphs.flatMap((g) => g.initializer ?? []);
  const operatorHistogram: Record<string, number> = {};
  let nodeCount = 0;
  for (const node of graphs.flatMap((g) => g.node ?? [])) {
    const key = operatorKey(node.domain, node.opType ?? '');
    operatorHistogram[key] = (operatorHistogram[key] ?? 0) + 1;
    nodeCount++;
  }
  const initializerBytes = initializers.reduce((sum, t) => sum + tensorBytes(t), 0);
  const fed = (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? ''));
  const bound = (graph.input ?? []).map((value) => {
    const info = concreteInfo(value);
    const dims = options.inputShapes?.[value.name ?? ''];
    return info && dims ? { type: info.type, dims: [...dims] } : info;
  });
  const cost = analyseGraph(graph, {
    outer: { shapes: new Map(), constants: new Map() },
    path: '',
    inputs: bound,
  });
  const estimatedFor = Object.fromEntries(
    fed.flatMap((value) => {
      const info = bound[(graph.input ?? []).indexOf(value)];
      return info ? [[value.name ?? '', info.dims]] : [];
    }),
  );

  return {
    irVersion: model.irVersion ?? 0,
    opsetImports: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: o.version ?? 0 })),
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    graphName: graph.name ?? '',
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? '')).map(signature),
    outputs: (graph.output ?? []).map(signature),
    initializerCount: initializers.length,
    initializerBytes,
    nodeCount,
    subgraphCount: graphs.length - 1,
    operatorHistogram,
    estimatedFlops: cost.estimatedFlops,
    flopsByOperator: cost.flopsByOperator,
    unestimatedOperators: cost.unestimatedOperators,
    peakActivationBytes: cost.peakActivationBytes,
    estimatedPeakMemoryBytes: initializerBytes + cost.peakActivationBytes,
    dataDependentEstimates: cost.dataDependent,
    estimatedFor,
    externalData: initializers.filter(isExternal).map(externalReference),
  };
}

export interface SupportIssue {
  code: OnnxModelErrorCode;
  detail: string;
}

/** Element types onnxruntime-node can build an input tensor from. */
const FEEDABLE_TYPES: ReadonlySet<ElementType> = new Set<ElementType>([
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
  'string',
]);

function feedIssue(input: ValueSignature): string | undefined {
  if (input.kind !== 'tensor') return `input "${input.name}" is a ${input.kind}, not a tensor`;
  if (!input.elementType || !FEEDABLE_TYPES.has(input.elementType)) {
    return `input "${input.name}" has element type ${input.elementType ?? 'undefined'}, which cannot be fed`;
  }
  if (!input.shape) return `input "${input.name}" declares no shape`;
  const bad = input.shape.find((d) => typeof d === 'number' && d < 1);
  if (bad !== undefined) return `input "${input.name}" has dimension ${bad}`;
  return undefined;
}

function deniedOperators(keys: string[], policy: OnnxSupportPolicy): string[] {
  const operators = new Set(policy.deniedOperators);
  const domains = new Set(policy.deniedDomains);
  return keys.filter((key) => operators.has(key) || domains.has(splitOperatorKey(key).domain)).sort();
}

/** Every reason, in order of severity, why the runtime under `policy` would not run this model. */
export function findSupportIssues(insight: ModelInsight, policy: OnnxSupportPolicy): SupportIssue[] {
  const issues: SupportIssue[] = [];
  if (!policy.allowExternalData && insight.externalData.length > 0) {
    const names = insight.externalData.map((r) => `${r.tensor} -> ${r.location}`).join(', ');
    issues.push({ code: 'external-data', detail: `tensors stored outside the model file: ${names}` });
  }
  const onnxOpset = insight.opsetImports.find((o) => isDefaultDomain(o.domain));
  if (!onnxOpset) {
    issues.push({ code: 'unsupported-opset', detail: 'the model imports no default-domain opset' });
  } else if (onnxOpset.version < policy.minOpset || onnxOpset.version > policy.maxOpset) {
    issues.push({
      code: 'unsupported-opset',
      detail: `opset ${onnxOpset.version} is outside the supported range ${policy.minOpset}..${policy.maxOpset}`,
    });
  }
  const denied = deniedOperators(Object.keys(insight.operatorHistogram), policy);
  if (denied.length > 0) {
    issues.push({
      code: 'unsupported-operator',
      detail: `operators denied by the registry's policy: ${denied.join(', ')}`,
    });
  }
  for (const input of insight.inputs) {
    const issue = feedIssue(input);
    if (issue) issues.push({ code: 'unfeedable-shape', detail: issue });
  }
  return issues;
}

/** describeModel plus the policy checks: throws the first issue as an OnnxModelError. */
export function inspectModel(
  bytes: Uint8Array,
  policy: OnnxSupportPolicy = DEFAULT_ONNX_SUPPORT,
): ModelInsight {
  const insight = describeModel(bytes);
  const [first] = findSupportIssues(insight, policy);
  if (first) throw new OnnxModelError(first.code, first.detail);
  return insight;
}
