/**
 * The scheduler's filter and score, as pure functions: resource fit (cpu, memory, extended
 * resources such as nvidia.com/gpu, pod count), nodeSelector, required node affinity and
 * NoSchedule/NoExecute taints. Messages follow kube-scheduler's wording.
 */
import { asArray, asString, asStringMap, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { parseQuantity } from '@polis/quantity';
import { matchesRequirement, type LabelOperator, type LabelRequirement } from '../selectors/label-selector';

export type ResourceAmounts = Map<string, number>;

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeView {
  name: string;
  labels: Record<string, string>;
  allocatable: ResourceAmounts;
  taints: Taint[];
  unschedulable: boolean;
}

export type SchedulingDecision = { kind: 'bound'; node: string } | { kind: 'unschedulable'; message: string };

function quantities(value: unknown): ResourceAmounts {
  const amounts: ResourceAmounts = new Map();
  if (!isObject(value)) return amounts;
  for (const [name, quantity] of Object.entries(value)) {
    if (typeof quantity === 'string' || typeof quantity === 'number')
      amounts.set(name, parseQuantity(quantity));
  }
  return amounts;
}

function add(target: ResourceAmounts, source: ResourceAmounts): void {
  for (const [name, amount] of source) target.set(name, (target.get(name) ?? 0) + amount);
}

/** Effective requests of a pod: the sum over containers (limits stand in for missing requests), at least each init container's. */
export function podRequests(pod: KubeObject): ResourceAmounts {
  const containerRequests = (container: JsonObject): ResourceAmounts => {
    const requests = quantities(getPath(container, ['resources', 'requests']));
    for (const [name, amount] of quantities(getPath(container, ['resources', 'limits']))) {
      if (!requests.has(name)) requests.set(name, amount);
    }
    return requests;
  };
  const total: ResourceAmounts = new Map([['pods', 1]]);
  for (const container of asArray(getPath(pod, ['spec', 'containers'])).filter(isObject))
    add(total, containerRequests(container));
  for (const init of asArray(getPath(pod, ['spec', 'initContainers'])).filter(isObject)) {
    for (const [name, amount] of containerRequests(init))
      total.set(name, Math.max(total.get(name) ?? 0, amount));
  }
  return total;
}

export function nodeView(node: KubeObject): NodeView {
  return {
    name: node.metadata.name ?? '',
    labels: node.metadata.labels ?? {},
    allocatable: quantities(getPath(node, ['status', 'allocatable'])),
    taints: asArray(getPath(node, ['spec', 'taints']))
      .filter(isObject)
      .map((taint) => ({
        key: asString(taint.key) ?? '',
        value: asString(taint.value),
        effect: asString(taint.effect) ?? '',
      })),
    unschedulable: getPath(node, ['spec', 'unschedulable']) === true,
  };
}

function tolerates(pod: KubeObject, taint: Taint): boolean {
  return asArray(getPath(pod, ['spec', 'tolerations']))
    .filter(isObject)
    .some((toleration) => {
      const effect = asString(toleration.effect) ?? '';
      if (effect !== '' && effect !== taint.effect) return false;
      const key = asString(toleration.key) ?? '';
      if (asString(toleration.operator) === 'Exists') return key === '' || key === taint.key;
      return key === taint.key && (asString(toleration.value) ?? '') === (taint.value ?? '');
    });
}

const AFFINITY_OPERATORS: Record<string, LabelOperator> = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
  Gt: 'Gt',
  Lt: 'Lt',
};

function termMatches(term: JsonObject, node: NodeView): boolean {
  const toRequirement = (expression: unknown): LabelRequirement | undefined => {
    if (!isObject(expression)) return undefined;
    const operator = AFFINITY_OPERATORS[asString(expression.operator) ?? ''];
    const key = asString(expression.key);
    if (!operator || !key) return undefined;
    return {
      key,
      operator,
      values: asArray(expression.values).filter((v): v is string => typeof v === 'string'),
    };
  };
  const expressions = asArray(term.matchExpressions).map(toRequirement);
  const fields = asArray(term.matchFields).map(toRequirement);
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every(
      (requirement) => requirement !== undefined && matchesRequirement(node.labels, requirement),
    ) &&
    fields.every(
      (requirement) =>
        requirement !== undefined && matchesRequirement({ 'metadata.name': node.name }, requirement),
    )
  );
}

function matchesNodeSelection(pod: KubeObject, node: NodeView): boolean {
  const selector = asStringMap(getPath(pod, ['spec', 'nodeSelector']));
  if (!Object.entries(selector).every(([key, value]) => node.labels[key] === value)) return false;
  const required = getPath(pod, [
    'spec',
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
  ]);
  if (!isObject(required)) return true;
  return asArray(required.nodeSelectorTerms)
    .filter(isObject)
    .some((term) => termMatches(term, node));
}

/** Every reason a node cannot take the pod; empty when it fits. */
export function filterNode(
  pod: KubeObject,
  requests: ResourceAmounts,
  node: NodeView,
  used: ResourceAmounts,
): string[] {
  const reasons: string[] = [];
  if (node.unschedulable) reasons.push('node(s) were unschedulable');
  if (!matchesNodeSelection(pod, node)) reasons.push("node(s) didn't match Pod's node affinity/selector");
  const untolerated = node.taints.find(
    (taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(pod, taint),
  );
  if (untolerated)
    reasons.push(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`);
  for (const [name, amount] of requests) {
    if (amount <= 0) continue;
    const free = (node.allocatable.get(name) ?? 0) - (used.get(name) ?? 0);
    if (amount > free + 1e-9) reasons.push(name === 'pods' ? 'Too many pods' : `Insufficient ${name}`);
  }
  return reasons;
}

/** LeastAllocated: prefer the node whose cpu and memory stay the least used, so pods spread. */
function score(requests: ResourceAmounts, node: NodeView, used: ResourceAmounts): number {
  const fractions = ['cpu', 'memory'].map((name) => {
    const capacity = node.allocatable.get(name) ?? 0;
    return capacity > 0 ? ((used.get(name) ?? 0) + (requests.get(name) ?? 0)) / capacity : 1;
  });
  return 1 - fractions.reduce((sum, fraction) => sum + fraction, 0) / fractions.length;
}

/**
 * Picks a node for a pod.
 * @param usage resources already requested on each node by the pods bound to it
 */
export function schedulePod(
  pod: KubeObject,
  nodes: readonly NodeView[],
  usage: ReadonlyMap<string, ResourceAmounts>,
): SchedulingDecision {
  const requests = podRequests(pod);
  const counts = new Map<string, number>();
  let best: { node: string; score: number } | undefined;
  for (const node of nodes) {
    const used = usage.get(node.name) ?? new Map<string, number>();
    const reasons = filterNode(pod, requests, node, used);
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    if (reasons.length > 0) continue;
    const nodeScore = score(requests, node, used);
    if (!best || nodeScore > best.score || (nodeScore === best.score && node.name < best.node))
      best = { node: node.name, score: nodeScore };
  }
  if (best) return { kind: 'bound', node: best.node };
  const details = [...counts]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(', ');
  return {
    kind: 'unschedulable',
    message: `0/${nodes.length} nodes are available${details ? `: ${details}` : ''}.`,
  };
}

export function addUsage(usage: Map<string, ResourceAmounts>, node: string, requests: ResourceAmounts): void {
  const used = usage.get(node) ?? new Map<string, number>();
  add(used, requests);
  usage.set(node, used);
}
