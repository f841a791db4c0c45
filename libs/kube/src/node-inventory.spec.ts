import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { clusterCapacity, isAcceleratorResource, nodeInventory, podRequests } from './node-inventory';
import { bytes, cpuMillicores, parseQuantity, QuantityError } from '@polis/quantity';

function node(
  name: string,
  options: { ready?: boolean; gpus?: number; arch?: string; unschedulable?: boolean } = {},
): V1Node {
  return {
    metadata: {
      name,
      labels: { 'kubernetes.io/arch': options.arch ?? 'amd64', 'polis.city/site': 'north-3' },
    },
    spec: {
      unschedulable: options.unschedulable,
      taints: options.gpus ? [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] : undefined,
    },
    status: {
      allocatable: {
        cpu: '3800m',
        memory: '15Gi',
        pods: '110',
        'ephemeral-storage': '90Gi',
        'hugepages-2Mi': '0',
        ...(options.gpus ? { 'nvidia.com/gpu': String(options.gpus) } : {}),
      },
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
      nodeInfo: { architecture: options.arch ?? 'amd64' } as NonNullable<V1Node['status']>['nodeInfo'],
    },
  };
}

function pod(
  nodeName: string | undefined,
  phase: string,
  containers: Record<string, string>[],
  init: Record<string, string>[] = [],
): V1Pod {
  return {
    metadata: { name: `p-${Math.random()}` },
    spec: {
      nodeName,
      containers: containers.map((requests, i) => ({ name: `c${i}`, resources: { requests } })),
      initContainers: init.map((requests, i) => ({ name: `i${i}`, resources: { requests } })),
    },
    status: { phase },
  };
}

describe('quantities', () => {
  it('parses decimal and binary suffixes and exponents', () => {
    expect(cpuMillicores('250m')).toBe(250);
    expect(cpuMillicores('1.5')).toBe(1500);
    expect(cpuMillicores(2)).toBe(2000);
    expect(cpuMillicores('100n')).toBe(1);
    expect(bytes('64Mi')).toBe(64 * 2 ** 20);
    expect(bytes('1G')).toBe(1e9);
    expect(bytes('1e3')).toBe(1000);
    expect(parseQuantity('.5')).toBe(0.5);
    expect(() => parseQuantity('12 apples')).toThrow(QuantityError);
  });
});

describe(podRequests.name, () => {
  it('charges the larger of the app containers summed and the largest init container', () => {
    const big = pod(
      'n',
      'Running',
      [{ cpu: '100m', memory: '64Mi' }, { cpu: '200m' }],
      [{ cpu: '1', memory: '32Mi' }],
    );
    expect(podRequests(big)).toEqual({
      cpuMillicores: 1000,
      memoryBytes: 64 * 2 ** 20,
      pods: 1,
      accelerators: {},
    });
  });

  it('adds pod overhead', () => {
    const withOverhead = pod('n', 'Running', [{ cpu: '100m' }]);
    withOverhead.spec!.overhead = { cpu: '50m' };
    expect(podRequests(withOverhead).cpuMillicores).toBe(150);
  });
});

describe(nodeInventory.name, () => {
  const nodes = [
    node('b-gpu', { gpus: 2 }),
    node('a-cpu', { arch: 'arm64', ready: false, unschedulable: true }),
  ];
  const pods = [
    pod('b-gpu', 'Running', [{ cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' }]),
    pod('b-gpu', 'Pending', [{ cpu: '250m' }]),
    pod('b-gpu', 'Succeeded', [{ cpu: '3' }]),
    pod('b-gpu', 'Failed', [{ cpu: '3' }]),
    pod(undefined, 'Pending', [{ cpu: '3' }]),
    pod('a-cpu', 'Running', [{ memory: '512Mi' }]),
  ];

  it('sums the requests of non-terminated pods bound to each node', () => {
    const inventory = nodeInventory(nodes, pods);
    expect(inventory.map((n) => n.name)).toEqual(['a-cpu', 'b-gpu']);
    const gpu = inventory[1];
    expect(gpu.requested).toEqual({
      cpuMillicores: 750,
      memoryBytes: 2 ** 30,
      pods: 2,
      accelerators: { 'nvidia.com/gpu': 1 },
    });
    expect(gpu.allocatable).toEqual({
      cpuMillicores: 3800,
      memoryBytes: 15 * 2 ** 30,
      pods: 110,
      accelerators: { 'nvidia.com/gpu': 2 },
    });
    expect(gpu.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(inventory[0]).toMatchObject({
      ready: false,
      schedulable: false,
      architecture: 'arm64',
      requested: { memoryBytes: 512 * 2 ** 20, pods: 1 },
    });
  });

  it('totals a cluster and counts Ready nodes', () => {
    const capacity = clusterCapacity(nodeInventory(nodes, pods));
    expect(capacity).toMatchObject({
      nodes: 2,
      readyNodes: 1,
      allocatable: { cpuMillicores: 7600, accelerators: { 'nvidia.com/gpu': 2 } },
    });
    expect(capacity.requested.cpuMillicores).toBe(750);
  });

  it('treats vendor extended resources as accelerators, not kubernetes.io ones', () => {
    expect(isAcceleratorResource('nvidia.com/gpu')).toBe(true);
    expect(isAcceleratorResource('gpu.intel.com/i915')).toBe(true);
    expect(isAcceleratorResource('hugepages-2Mi')).toBe(false);
    expect(isAcceleratorResource('kubernetes.io/batch-cpu')).toBe(false);
  });
});
