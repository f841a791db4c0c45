import type { Graph } from '../proto/onnx-types';
import { isDefaultDomain, operatorKey } from '../support';
import type { GraphCost, Scope, SubgraphBinding } from './graph-cost';
import type { DataDependentEstimate } from './model-insight';
import type { NodeView } from './node-view';
import type { TensorInfo } from './tensor-info';

/** graph-analysis passes itself in, so that this module does not import it back. */
export type AnalyseGraph = (graph: Graph, binding: SubgraphBinding) => GraphCost;

/**
 * A trip count from the graph above this is a sentinel, not a bound: exporters write INT64_MAX for "loop until
 * the condition is false" (torch `while`).
 */
const MAX_CREDIBLE_TRIPS = 2 ** 31;
/** Iterations assumed for a Loop whose trip count is only known at run time. */
export const ASSUMED_TRIPS = 1;

export function subgraphsOf(node: NodeView): Graph[] {
  return (node.node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
}

export function hasSubgraphs(node: NodeView): boolean {
  return (node.node.attribute ?? []).some((a) => a.g !== undefined || (a.graphs?.length ?? 0) > 0);
}

function scaled(byOperator: Readonly<Record<string, number>>, times: number): Record<string, number> {
  return Object.fromEntries(Object.entries(byOperator).map(([op, flops]) => [op, flops * times]));
}

function note(node: NodeView, path: string, assumption: string): DataDependentEstimate {
  return { node: path, opType: node.opType, assumption };
}

/** If: both branches are analysed; a constant condition picks one, otherwise the costlier one is counted. */
function ifCost(node: NodeView, scope: Scope, path: string, analyse: AnalyseGraph): GraphCost {
  const thenGraph = node.attribute('then_branch')?.g ?? {};
  const elseGraph = node.attribute('else_branch')?.g ?? {};
  const thenCost = analyse(thenGraph, { outer: scope, path: `${path}/then_branch/` });
  const elseCost = analyse(elseGraph, { outer: scope, path: `${path}/else_branch/` });
  const condName = node.input(0);
  const condition = condName === undefined ? undefined : scope.constants.get(condName);
  const known = condition?.length === 1;
  const takeThen = known ? condition[0] !== 0 : thenCost.estimatedFlops >= elseCost.estimatedFlops;
  const [chosen, other] = takeThen ? [thenCost, elseCost] : [elseCost, thenCost];
  const dataDependent = [...chosen.dataDependent];
  if (!known) {
    const [chosenName, otherName] = takeThen
      ? ['then_branch', 'else_branch']
      : ['else_branch', 'then_branch'];
    dataDependent.unshift(
      note(
        node,
        path,
        `the branch is chosen at run time by "${condName ?? ''}": counted as the costlier ${chosenName} ` +
          `(${chosen.estimatedFlops} FLOPs; ${otherName}: ${other.estimatedFlops} FLOPs), an upper bound`,
      ),
    );
  }
  return {
    estimatedFlops: chosen.estimatedFlops,
    flopsByOperator: chosen.flopsByOperator,
    unestimatedOperators: [...new Set([...thenCost.unestimatedOperators, ...elseCost.unestimatedOperators])],
    // Memory: the branch that runs is unknown, so the larger one is reserved either way.
    peakActivationBytes: Math.max(thenCost.peakActivationBytes, elseCost.peakActivationBytes),
    dataDependent,
    outputs: chosen.outputs.map((o, i) => o ?? other.outputs[i]),
  };
}

const SCALAR_INT64: TensorInfo = { type: 'int64', dims: [] };
const SCALAR_BOOL: TensorInfo = { type: 'bool', dims: [] };

/**
 * Loop: the body's cost times the trip count M when M is a constant (an upper bound when a condition can end
 * the loop early); otherwise ASSUMED_TRIPS iterations, said so in the note.
 */
function loopCost(
  node: NodeView,
  inputs: (TensorInfo | undefined)[],
  scope: Scope,
  path: string,
  analyse: AnalyseGraph,
): GraphCost {
  const tripName = node.input(0);
  const condName = node.input(1);
  const tripValue = tripName === undefined ? undefined : scope.constants.get(tripName)?.[0];
  const carried = inputs.slice(2);
  const body = analyse(node.attribute('body')?.g ?? {}, {
    outer: scope,
    path: `${path}/body/`,
    inputs: [SCALAR_INT64, SCALAR_BOOL, ...carried],
  });
  const credible = tripValue !== undefined && tripValue >= 0 && tripValue <= MAX_CREDIBLE_TRIPS;
  const trips = credible ? tripValue : ASSUMED_TRIPS;
  const dataDependent: DataDependentEstimate[] = [];
  const perIteration = `one iteration costs ${body.estimatedFlops} FLOPs`;
  if (!credible) {
    const source =
      tripName === undefined
        ? 'no trip count: the loop runs until its condition is false'
        : tripValue === undefined
          ? `the trip count "${tripName}" is only known at run time`
          : `the trip count is ${tripValue}, a "no limit" sentinel: the loop runs until its condition is false`;
    dataDependent.push(
      note(node, path, `${source}; counted as ${ASSUMED_TRIPS} iteration (${perIteration})`),
    );
  } else if (condName !== undefined) {
    dataDependent.push(
      note(
        node,
        path,
        `the condition "${condName}" can end the loop early: counted as the full ${trips} iterations, an upper bound (${perIteration})`,
      ),
    );
  }
  dataDependent.push(...body.dataDependent);
  const carriedCount = carried.length;
  const finals = body.outputs.slice(1, 1 + carriedCount).map((o, i) => o ?? carried[i]);
  const scans = body.outputs
    .slice(1 + carriedCount)
    .map((o) => (o ? { type: o.type, dims: [trips, ...o.dims] } : undefined));
  return {
    estimatedFlops: trips * body.estimatedFlops,
    flopsByOperator: scaled(body.flopsByOperator, trips),
    unestimatedOperators: body.unestimatedOperators,
    peakActivationBytes: body.peakActivationBytes,
    dataDependent,
    outputs: [...finals, ...scans],
  };
}

/** Scan: the body runs once per slice along each scan input's axis, a count the input shapes give. */
function scanCost(
  node: NodeView,
  inputs: (TensorInfo | undefined)[],
  scope: Scope,
  path: string,
  analyse: AnalyseGraph,
): GraphCost {
  const scanCount = node.int('num_scan_inputs', 0);
  const stateCount = Math.max(0, inputs.length - scanCount);
  const states = inputs.slice(0, stateCount);
  const scanned = inputs.slice(stateCount);
  const inputAxes = node.ints('scan_input_axes') ?? scanned.map(() => 0);
  const axisOf = (t: TensorInfo, i: number) => {
    const axis = inputAxes[i] ?? 0;
    return axis < 0 ? axis + t.dims.length : axis;
  };
  const first = scanned[0];
  const trips = first ? (first.dims[axisOf(first, 0)] ?? ASSUMED_TRIPS) : ASSUMED_TRIPS;
  const slices = scanned.map((t, i) =>
    t ? { type: t.type, dims: t.dims.filter((_, d) => d !== axisOf(t, i)) } : t,
  );
  const body = analyse(node.attribute('body')?.g ?? {}, {
    outer: scope,
    path: `${path}/body/`,
    inputs: [...states, ...slices],
  });
  const dataDependent = [...body.dataDependent];
  if (!first) {
    dataDependent.unshift(
      note(
        node,
        path,
        `the scanned length is unknown: counted as ${ASSUMED_TRIPS} iteration (one costs ${body.estimatedFlops} FLOPs)`,
      ),
    );
  }
  const outputAxes = node.ints('scan_output_axes') ?? [];
  const finals = body.outputs.slice(0, stateCount).map((o, i) => o ?? states[i]);
  const scans = body.outputs.slice(stateCount).map((o, i) => {
    if (!o) return undefined;
    const rank = o.dims.length + 1;
    const raw = outputAxes[i] ?? 0;
    const axis = raw < 0 ? raw + rank : raw;
    return { type: o.type, dims: [...o.dims.slice(0, axis), trips, ...o.dims.slice(axis)] };
  });
  return {
    estimatedFlops: trips * body.estimatedFlops,
    flopsByOperator: scaled(body.flopsByOperator, trips),
    unestimatedOperators: body.unestimatedOperators,
    peakActivationBytes: body.peakActivationBytes,
    dataDependent,
    outputs: [...finals, ...scans],
  };
}

/** Any other operator with subgraphs (contrib BeamSearch, SequenceMap...): each subgraph is counted once. */
function otherCost(node: NodeView, scope: Scope, path: string, analyse: AnalyseGraph): GraphCost {
  const costs = (node.node.attribute ?? []).flatMap((a) =>
    [...(a.g ? [a.g] : []), ...(a.graphs ?? [])].map((g) =>
      analyse(g, { outer: scope, path: `${path}/${a.name ?? ''}/` }),
    ),
  );
  const flopsByOperator: Record<string, number> = {};
  for (const cost of costs) {
    for (const [op, flops] of Object.entries(cost.flopsByOperator))
      flopsByOperator[op] = (flopsByOperator[op] ?? 0) + flops;
  }
  return {
    estimatedFlops: costs.reduce((sum, c) => sum + c.estimatedFlops, 0),
    flopsByOperator,
    unestimatedOperators: [
      ...new Set([
        operatorKey(node.node.domain, node.opType),
        ...costs.flatMap((c) => c.unestimatedOperators),
      ]),
    ],
    peakActivationBytes: Math.max(0, ...costs.map((c) => c.peakActivationBytes)),
    dataDependent: [
      note(
        node,
        path,
        `how often ${node.opType} runs its subgraphs is only known at run time: each is counted once`,
      ),
      ...costs.flatMap((c) => c.dataDependent),
    ],
    outputs: [],
  };
}

/** The cost of a node that carries subgraphs, with its subgraphs analysed in the node's scope. */
export function analyseControlFlow(
  node: NodeView,
  inputs: (TensorInfo | undefined)[],
  scope: Scope,
  path: string,
  analyse: AnalyseGraph,
): GraphCost {
  if (isDefaultDomain(node.node.domain)) {
    if (node.opType === 'If') return ifCost(node, scope, path, analyse);
    if (node.opType === 'Loop') return loopCost(node, inputs, scope, path, analyse);
    if (node.opType === 'Scan') return scanCost(node, inputs, scope, path, analyse);
  }
  return otherCost(node, scope, path, analyse);
}
