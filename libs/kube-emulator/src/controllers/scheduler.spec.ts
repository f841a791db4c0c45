import type { KubeObject } from '../model/types';
import {
  addUsage,
  nodeView,
  podRequests,
  schedulePod,
  type NodeView,
  type ResourceAmounts,
} from './scheduler';
import { nodeObject } from './nodes';

function pod(spec: object): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
  };
}

function withRequests(requests: Record<string, string>, extra: object = {}): KubeObject {
  return pod({ containers: [{ name: 'c', image: 'i', resources: { requests } }], ...extra });
}

const now = '2025-01-01T00:00:00Z';
const small = nodeView(nodeObject('small', 0, { cpu: '2', memory: '4Gi', labels: { zone: 'north' } }, now));
const big = nodeView(
  nodeObject('big', 1, { cpu: '8', memory: '32Gi', gpus: 1, arch: 'arm64', labels: { zone: 'south' } }, now),
);
const tainted: NodeView = {
  ...nodeView(nodeObject('tainted', 2, { cpu: '8', memory: '32Gi' }, now)),
  taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }],
};

describe('scheduler fit', () => {
  it('sums container requests, uses limits for missing requests, and counts init containers as a peak', () => {
    const requests = podRequests(
      pod({
        containers: [
          { name: 'a', image: 'i', resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi' } } },
          { name: 'b', image: 'i', resources: { requests: { cpu: '250m', 'nvidia.com/gpu': '1' } } },
        ],
        initContainers: [{ name: 'init', image: 'i', resources: { requests: { cpu: '2' } } }],
      }),
    );
    expect(Object.fromEntries(requests)).toEqual({ pods: 1, cpu: 2, memory: 2 ** 30, 'nvidia.com/gpu': 1 });
  });

  it('places on the least allocated feasible node', () => {
    expect(schedulePod(withRequests({ cpu: '1' }), [small, big], new Map())).toEqual({
      kind: 'bound',
      node: 'big',
    });
    const usage = new Map<string, ResourceAmounts>();
    addUsage(usage, 'big', new Map([['cpu', 7.5]]));
    expect(schedulePod(withRequests({ cpu: '1' }), [small, big], usage)).toEqual({
      kind: 'bound',
      node: 'small',
    });
  });

  it('explains why nothing fits, counting reasons like kube-scheduler', () => {
    expect(schedulePod(withRequests({ cpu: '16' }), [small, big], new Map())).toEqual({
      kind: 'unschedulable',
      message: '0/2 nodes are available: 2 Insufficient cpu.',
    });
    expect(
      schedulePod(
        withRequests({ 'nvidia.com/gpu': '1' }, { nodeSelector: { zone: 'north' } }),
        [small, big],
        new Map(),
      ),
    ).toEqual({
      kind: 'unschedulable',
      message:
        "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node affinity/selector.",
    });
  });

  it('honours nodeSelector and required node affinity', () => {
    expect(
      schedulePod(pod({ nodeSelector: { 'kubernetes.io/arch': 'arm64' } }), [small, big], new Map()),
    ).toEqual({ kind: 'bound', node: 'big' });
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['north'] }] }],
        },
      },
    };
    expect(schedulePod(pod({ affinity }), [small, big], new Map())).toEqual({ kind: 'bound', node: 'small' });
    const byName = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['big'] }] }],
        },
      },
    };
    expect(schedulePod(pod({ affinity: byName }), [small, big], new Map())).toEqual({
      kind: 'bound',
      node: 'big',
    });
  });

  it('keeps pods off NoSchedule taints they do not tolerate', () => {
    expect(schedulePod(pod({}), [tainted], new Map())).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: ml}.',
    });
    expect(
      schedulePod(
        pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }] }),
        [tainted],
        new Map(),
      ),
    ).toEqual({ kind: 'bound', node: 'tainted' });
    expect(schedulePod(pod({ tolerations: [{ operator: 'Exists' }] }), [tainted], new Map())).toEqual({
      kind: 'bound',
      node: 'tainted',
    });
    expect(
      schedulePod(
        pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web' }] }),
        [tainted],
        new Map(),
      ).kind,
    ).toBe('unschedulable');
  });

  it('limits pods per node', () => {
    const tiny = nodeView(nodeObject('tiny', 3, { cpu: '1', memory: '1Gi', maxPods: 1 }, now));
    const usage = new Map<string, ResourceAmounts>();
    addUsage(usage, 'tiny', new Map([['pods', 1]]));
    expect(schedulePod(pod({}), [tiny], usage)).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Too many pods.',
    });
  });
});
