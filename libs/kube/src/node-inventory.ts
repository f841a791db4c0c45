import type { V1Container, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { bytes, cpuMillicores, parseQuantity } from '@polis/quantity';

/** Resources of a node or a cluster in plain numbers. */
export interface ResourceAmounts {
  cpuMillicores: number;
  memoryBytes: number;
  pods: number;
  /** Extended resources such as nvidia.com/gpu, by name. */
  accelerators: Record<string, number>;
}

export interface NodeInventory {
  name: string;
  ready: boolean;
  /** False when cordoned (spec.unschedulable). */
  schedulable: boolean;
  architecture: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  allocatable: ResourceAmounts;
  /** Sum of the effective requests of the node's pods that have not terminated. */
  requested: ResourceAmounts;
}

export interface ClusterCapacity {
  nodes: number;
  readyNodes: number;
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
}

const zero = (): ResourceAmounts => ({ cpuMillicores: 0, memoryBytes: 0, pods: 0, accelerators: {} });

/** Extended resources carry a domain ("vendor.com/name"); kubernetes.io ones are not accelerators. */
export function isAcceleratorResource(name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && !name.slice(0, slash).endsWith('kubernetes.io');
}

function amounts(resources: Record<string, string | number> | undefined, pods: number): ResourceAmounts {
  const out = zero();
  out.pods = pods;
  for (const [name, value] of Object.entries(resources ?? {})) {
    if (name === 'cpu') out.cpuMillicores = cpuMillicores(value);
    else if (name === 'memory') out.memoryBytes = bytes(value);
    else if (isAcceleratorResource(name)) out.accelerators[name] = parseQuantity(value);
  }
  return out;
}

function add(total: ResourceAmounts, more: ResourceAmounts): ResourceAmounts {
  const accelerators = { ...total.accelerators };
  for (const [name, value] of Object.entries(more.accelerators))
    accelerators[name] = (accelerators[name] ?? 0) + value;
  return {
    cpuMillicores: total.cpuMillicores + more.cpuMillicores,
    memoryBytes: total.memoryBytes + more.memoryBytes,
    pods: total.pods + more.pods,
    accelerators,
  };
}

function max(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  const accelerators = { ...a.accelerators };
  for (const [name, value] of Object.entries(b.accelerators))
    accelerators[name] = Math.max(accelerators[name] ?? 0, value);
  return {
    cpuMillicores: Math.max(a.cpuMillicores, b.cpuMillicores),
    memoryBytes: Math.max(a.memoryBytes, b.memoryBytes),
    pods: Math.max(a.pods, b.pods),
    accelerators,
  };
}

const containerRequests = (c: V1Container) =>
  amounts(c.resources?.requests as Record<string, string> | undefined, 0);

/**
 * What the scheduler charges a pod: the larger of its app containers' summed requests and its
 * largest init container (init containers run one at a time, before the others), plus pod overhead.
 */
export function podRequests(pod: V1Pod): ResourceAmounts {
  const spec = pod.spec;
  if (!spec) return { ...zero(), pods: 1 };
  const app = spec.containers.map(containerRequests).reduce(add, zero());
  const init = (spec.initContainers ?? []).map(containerRequests).reduce(max, zero());
  const overhead = amounts(spec.overhead as Record<string, string> | undefined, 0);
  return { ...add(max(app, init), overhead), pods: 1 };
}

export function isTerminated(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isNodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function taintView(taint: V1Taint): NodeInventory['taints'][number] {
  return taint.value === undefined
    ? { key: taint.key, effect: taint.effect }
    : { key: taint.key, value: taint.value, effect: taint.effect };
}

/** Joins nodes with the pods bound to them. Pure: the same lists give the same inventory. */
export function nodeInventory(nodes: readonly V1Node[], pods: readonly V1Pod[]): NodeInventory[] {
  const requestedByNode = new Map<string, ResourceAmounts>();
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || isTerminated(pod)) continue;
    requestedByNode.set(nodeName, add(requestedByNode.get(nodeName) ?? zero(), podRequests(pod)));
  }
  return nodes
    .map((node) => {
      const name = node.metadata?.name ?? '';
      const allocatable = node.status?.allocatable as Record<string, string> | undefined;
      return {
        name,
        ready: isNodeReady(node),
        schedulable: node.spec?.unschedulable !== true,
        architecture:
          node.status?.nodeInfo?.architecture ?? node.metadata?.labels?.['kubernetes.io/arch'] ?? 'unknown',
        labels: { ...(node.metadata?.labels ?? {}) },
        taints: (node.spec?.taints ?? []).map(taintView),
        allocatable: amounts(allocatable, allocatable?.pods === undefined ? 0 : Number(allocatable.pods)),
        requested: requestedByNode.get(name) ?? zero(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function clusterCapacity(inventory: readonly NodeInventory[]): ClusterCapacity {
  return {
    nodes: inventory.length,
    readyNodes: inventory.filter((n) => n.ready).length,
    allocatable: inventory.map((n) => n.allocatable).reduce(add, zero()),
    requested: inventory.map((n) => n.requested).reduce(add, zero()),
  };
}
