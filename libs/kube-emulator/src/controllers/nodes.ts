/** The nodes an emulated cluster starts with, and the Ready/NotReady switch. */
import { asArray, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { EMULATOR_GIT_VERSION } from '../model/version';

export interface NodeTemplate {
  /** e.g. "4" or "3500m". */
  cpu: string;
  /** e.g. "16Gi". */
  memory: string;
  /** nvidia.com/gpu count; 0 or absent for none. */
  gpus?: number;
  maxPods?: number;
  arch?: 'amd64' | 'arm64';
  instanceType?: string;
  /** The node's zone: labels `topology.kubernetes.io/zone` and `polis.city/zone` (a Polis site's zone). */
  zone?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

export function nodeObject(name: string, index: number, template: NodeTemplate, now: string): KubeObject {
  const arch = template.arch ?? 'amd64';
  const resources: JsonObject = {
    cpu: template.cpu,
    memory: template.memory,
    pods: String(template.maxPods ?? 110),
    'ephemeral-storage': '100Gi',
    ...(template.gpus ? { 'nvidia.com/gpu': String(template.gpus) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': arch,
        'node.kubernetes.io/instance-type': template.instanceType ?? 'emulated',
        ...(template.gpus ? { 'nvidia.com/gpu.present': 'true' } : {}),
        ...(template.zone
          ? { 'topology.kubernetes.io/zone': template.zone, 'polis.city/zone': template.zone }
          : {}),
        ...template.labels,
      },
      annotations: { 'polis.io/emulated': 'true' },
    },
    spec: {
      podCIDR: `10.42.${index}.0/24`,
      podCIDRs: [`10.42.${index}.0/24`],
      ...(template.taints?.length ? { taints: template.taints } : {}),
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
          type,
          status: 'False',
          reason: `KubeletHasNo${type}`,
          message: `kubelet has no ${type.replace('Pressure', '').toLowerCase()} pressure`,
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        })),
        readyCondition(true, now),
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: EMULATOR_GIT_VERSION,
        kubeProxyVersion: EMULATOR_GIT_VERSION,
        osImage: 'Polis kube-emulator (no real kubelet)',
        kernelVersion: 'emulated',
        containerRuntimeVersion: 'emulated://1.0.0',
        operatingSystem: 'linux',
        architecture: arch,
        machineID: name,
        systemUUID: name,
        bootID: name,
      },
    },
  };
}

function readyCondition(ready: boolean, now: string): JsonObject {
  return ready
    ? {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status (emulated)',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      }
    : {
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'node marked NotReady (fault injected)',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      };
}

export function isNodeReady(node: KubeObject): boolean {
  return asArray(getPath(node, ['status', 'conditions'])).some(
    (c) => isObject(c) && c.type === 'Ready' && c.status === 'True',
  );
}

/** The node with its Ready condition and not-ready taint switched. */
export function withReadiness(node: KubeObject, ready: boolean, now: string): KubeObject {
  const status = isObject(node.status) ? node.status : {};
  const spec = isObject(node.spec) ? node.spec : {};
  const conditions = asArray(status.conditions).filter((c) => !(isObject(c) && c.type === 'Ready'));
  const taints = asArray(spec.taints).filter((t) => !(isObject(t) && t.key === NOT_READY_TAINT));
  if (!ready) taints.push({ key: NOT_READY_TAINT, effect: 'NoSchedule', timeAdded: now });
  const nextSpec: JsonObject = { ...spec, taints };
  if (taints.length === 0) delete nextSpec.taints;
  return {
    ...node,
    spec: nextSpec,
    status: { ...status, conditions: [...conditions, readyCondition(ready, now)] },
  };
}
